/**
 * Shared contract tests every destination connector runs against its simulator, so the sync engine can
 * rely on the same behaviour whichever destination it drives.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { ConfigFieldMeta, DestinationConnector, DestinationObject, OutRecord } from "../types";

export type DestinationContractSetup = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  connector: DestinationConnector<any>;
  /** A config that authenticates against the running simulator. */
  config: unknown;
  /** A config the destination refuses (e.g. a wrong secret). */
  badConfig: unknown;
  /** A valid record for `object`; different `i` give different keys. */
  makeRecord(i: number, object: DestinationObject): OutRecord;
  /** Names of the config fields that must be flagged secret; when omitted, at least one must be. */
  secretFields?: string[];
  /**
   * A record `validateRecord` must refuse, and the field it must name. When omitted, the suite adds a
   * field whose name and value are far beyond any documented destination limit.
   */
  makeInvalidRecord?(object: DestinationObject): { record: OutRecord; field: string };
  teardown(): Promise<void>;
};

type ObjectSchema = z.ZodObject<Record<string, z.ZodType>>;

function readFieldMeta(schema: ObjectSchema): [string, Partial<ConfigFieldMeta>][] {
  return Object.entries(schema.shape).map(([name, field]) => [name, (z.globalRegistry.get(field) ?? {}) as Partial<ConfigFieldMeta>]);
}

function readSecretValues(schema: ObjectSchema, config: unknown): string[] {
  const values = (config ?? {}) as Record<string, unknown>;
  return readFieldMeta(schema)
    .filter(([, meta]) => meta.secret)
    .map(([name]) => values[name])
    .filter((v): v is string => typeof v === "string" && v.length > 0);
}

function makeOversizedRecord(base: OutRecord): { record: OutRecord; field: string } {
  const field = `oversized_${"k".repeat(1000)}`;
  return { record: { ...base, fields: { ...base.fields, [field]: "v".repeat(200_000) } }, field };
}

export function describeDestinationContract(name: string, setup: () => Promise<DestinationContractSetup>): void {
  describe(`${name} destination contract`, () => {
    let ctx: DestinationContractSetup;

    beforeAll(async () => {
      ctx = await setup();
    });

    afterAll(async () => {
      await ctx?.teardown();
    });

    const schemaOf = () => ctx.connector.configSchema as unknown as ObjectSchema;

    it("parses the config and rejects an empty object with field-specific issues", () => {
      expect(ctx.connector.kind).toBe("destination");
      expect(schemaOf().safeParse(ctx.config).success).toBe(true);
      const empty = schemaOf().safeParse({});
      expect(empty.success).toBe(false);
      const issues = empty.error?.issues ?? [];
      expect(issues.length).toBeGreaterThan(0);
      for (const issue of issues) expect(issue.path.length).toBeGreaterThan(0);
    });

    it("labels every config field and flags secret fields through meta", () => {
      const metas = readFieldMeta(schemaOf());
      for (const [field, meta] of metas) expect(meta.label, `label of ${field}`).toBeTruthy();
      const secrets = metas.filter(([, meta]) => meta.secret).map(([field]) => field);
      if (ctx.secretFields) expect(secrets.sort()).toEqual([...ctx.secretFields].sort());
      else expect(secrets.length).toBeGreaterThan(0);
    });

    it("check succeeds with the good config", async () => {
      const result = await ctx.connector.check({ config: schemaOf().parse(ctx.config) });
      expect(result, result.message).toMatchObject({ ok: true });
    });

    it("check fails with the bad config and never echoes a secret", async () => {
      const result = await ctx.connector.check({ config: schemaOf().parse(ctx.badConfig) });
      expect(result.ok).toBe(false);
      expect(result.message.length).toBeGreaterThan(0);
      for (const secret of [...readSecretValues(schemaOf(), ctx.badConfig), ...readSecretValues(schemaOf(), ctx.config)]) {
        expect(result.message).not.toContain(secret);
      }
    });

    it("declares behaviours, identifiers and limits for each object", () => {
      const objects = ctx.connector.objects;
      expect(objects.length).toBeGreaterThan(0);
      expect(new Set(objects.map((o) => o.id)).size).toBe(objects.length);
      for (const object of objects) {
        expect(object.behaviors.length, `${object.id} behaviours`).toBeGreaterThan(0);
        for (const b of object.behaviors) expect(["upsert", "update", "append"]).toContain(b.id);
        expect(object.identifiers.length, `${object.id} identifiers`).toBeGreaterThan(0);
        expect(object.limits.maxBatchRecords).toBeGreaterThan(0);
        expect(object.limits.maxConcurrency).toBeGreaterThan(0);
      }
    });

    it("accepts a few valid records of each object", async () => {
      const config = schemaOf().parse(ctx.config);
      for (const object of ctx.connector.objects) {
        const behavior = object.behaviors[0]!.id;
        const records = [1, 2, 3].map((i) => ctx.makeRecord(i, object));
        for (const record of records) {
          expect(ctx.connector.validateRecord({ object, behavior, record }), `${object.id} ${record.key}`).toEqual([]);
          expect(ctx.connector.measureRecord({ object, record })).toBeGreaterThan(0);
        }
        const results = await ctx.connector.write({ config, object, behavior, records });
        expect(results.map((r) => r.status), JSON.stringify(results)).toEqual(["accepted", "accepted", "accepted"]);
      }
    });

    it("reports a record that breaks a documented limit with the field at fault", () => {
      for (const object of ctx.connector.objects) {
        const behavior = object.behaviors[0]!.id;
        const { record, field } = ctx.makeInvalidRecord?.(object) ?? makeOversizedRecord(ctx.makeRecord(100, object));
        const problems = ctx.connector.validateRecord({ object, behavior, record });
        expect(problems.length, `${object.id} problems`).toBeGreaterThan(0);
        expect(problems.map((p) => p.field)).toContain(field);
        for (const p of problems) expect(p.reason.length).toBeGreaterThan(0);
      }
    });

    it("returns exactly one result per record, in order", async () => {
      const config = schemaOf().parse(ctx.config);
      for (const object of ctx.connector.objects) {
        const behavior = object.behaviors[0]!.id;
        const records = [25, 21, 23, 22, 24].map((i) => ctx.makeRecord(i, object));
        const results = await ctx.connector.write({ config, object, behavior, records });
        expect(results.map((r) => r.key)).toEqual(records.map((r) => r.key));
      }
    });
  });
}
