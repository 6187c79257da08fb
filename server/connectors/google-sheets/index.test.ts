import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { env } from "~/env.js";
import {
  createTestServiceAccount,
  startGoogleSheetsSimulator,
  type GoogleSheetsSimulator,
} from "~/e2e/simulators/google-sheets/server";
import { SourceQueryError } from "../errors";
import { describeSourceContract } from "../testing/source-contract";
import { extractSpreadsheetId, googleSheetsConnector, type GoogleSheetsConfig } from "./index";
import { buildSheetTable, inferColumnType, selectKeysetPage } from "./sheet-table";

const SPREADSHEET_ID = "1Contract_Sheet-Id0123456789abcdef";
const urlOf = (id: string) => `https://docs.google.com/spreadsheets/d/${id}/edit#gid=0`;

/** Points the connector at a fresh simulator with one registered service account. */
async function startSimulator() {
  const sim = await startGoogleSheetsSimulator();
  const account = createTestServiceAccount();
  sim.addServiceAccount(account.clientEmail, account.publicKeyPem);
  const previous = { api: env.GOOGLE_SHEETS_API_BASE_URL, token: env.GOOGLE_OAUTH_TOKEN_URL };
  env.GOOGLE_SHEETS_API_BASE_URL = sim.url;
  env.GOOGLE_OAUTH_TOKEN_URL = sim.tokenUrl;
  return {
    sim,
    account,
    async stop() {
      env.GOOGLE_SHEETS_API_BASE_URL = previous.api;
      env.GOOGLE_OAUTH_TOKEN_URL = previous.token;
      await sim.close();
    },
  };
}

describeSourceContract("google-sheets", async () => {
  const { sim, account, stop } = await startSimulator();
  sim.setSpreadsheetTitle(SPREADSHEET_ID, "CRM export");
  sim.setSheet(SPREADSHEET_ID, "Customers", [
    ["id", "email", "vip", "signed_up_at", "lifetime_value"],
    ["10", "j@example.com", "TRUE", "2024-03-01T10:00:00Z", "120.5"],
    ["2", "b@example.com", "FALSE", "2024-01-15", "0"],
    ["", "nokey@example.com", "TRUE", "2024-02-02", "5"],
    ["7", "g@example.com", "", "", ""],
    ["1", "a@example.com", "TRUE", "2023-12-31T23:59:59Z", "99.99"],
    [],
    ["30", "z@example.com", "FALSE", "2024-05-05", "1e3"],
    ["", "", "FALSE"],
    ["4", "d@example.com", "TRUE", "2024-04-04", "-3"],
  ]);
  sim.setSheet(SPREADSHEET_ID, "Notes", [["note"], ["not read by the contract"]]);
  const wrongKey = createTestServiceAccount(account.clientEmail);
  return {
    connector: googleSheetsConnector,
    config: { spreadsheetUrl: urlOf(SPREADSHEET_ID), serviceAccountJson: account.json },
    badConfig: { spreadsheetUrl: urlOf(SPREADSHEET_ID), serviceAccountJson: wrongKey.json },
    badConfigMessage: /refused the service account key of sync-.*@test-project\.iam\.gserviceaccount\.com.*invalid_grant/,
    table: { schema: "CRM export", table: "Customers" },
    changeColumn: "signed_up_at",
    keyColumn: "id",
    expectedKeys: [1, 2, 4, 7, 10, 30],
    nullKeyCount: 2,
    supportsSql: false,
    columnTypes: { id: "number", email: "string", vip: "boolean", signed_up_at: "date", lifetime_value: "number" },
    teardown: stop,
  };
});

describe("google-sheets connector", () => {
  let sim: GoogleSheetsSimulator;
  let account: ReturnType<typeof createTestServiceAccount>;
  let stop: () => Promise<void>;
  const config = (id: string, extra: Partial<GoogleSheetsConfig> = {}): GoogleSheetsConfig => ({
    spreadsheetUrl: urlOf(id),
    serviceAccountJson: account.json,
    ...extra,
  });

  beforeAll(async () => {
    ({ sim, account, stop } = await startSimulator());
    sim.setSpreadsheetTitle("sheet-people", "People export");
    sim.setSheet("sheet-people", "People", [
      ["email", "name", "score"],
      ["b@example.com", "Bea", "3"],
      ["a@example.com", "Al", "1"],
      ["C@example.com", "Cy", "2"],
    ]);
    sim.setSheet("sheet-people", "Wide one", [
      ["", "id", "plan", "", ""],
      ["", "1", "pro", "", "orphan"],
      ["", "2", "free"],
    ]);
    sim.setSheet("sheet-blank-header", "Sheet1", [
      ["id", "email", "", "plan"],
      ["1", "a@example.com", "x", "pro"],
    ]);
    sim.setSheet("sheet-duplicate", "Sheet1", [
      ["id", "email", "Email", "email"],
      ["1", "a@example.com", "b", "c"],
    ]);
    sim.setSheet("sheet-empty", "Sheet1", []);
    sim.setSheet("sheet-private", "Sheet1", [["id"], ["1"]]);
    sim.setSharing("sheet-private", ["someone-else@test-project.iam.gserviceaccount.com"]);
  });
  afterAll(async () => {
    await stop?.();
  });

  it("extracts the spreadsheet id from a URL and explains a URL without one", () => {
    expect(extractSpreadsheetId("https://docs.google.com/spreadsheets/d/1AbC_d-E/edit#gid=0")).toBe("1AbC_d-E");
    expect(extractSpreadsheetId("https://docs.google.com/spreadsheets/d/1AbC_d-E")).toBe("1AbC_d-E");
    expect(extractSpreadsheetId("https://docs.google.com/document/u/0/")).toBeNull();
    const parsed = googleSheetsConnector.configSchema.safeParse({
      spreadsheetUrl: "https://docs.google.com/document/d/",
      serviceAccountJson: account.json,
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({ path: ["spreadsheetUrl"] });
    expect(parsed.error?.issues[0]?.message).toMatch(/not a Google Sheets URL.*spreadsheets\/d\/<id>\/edit/);
  });

  it("explains malformed service-account JSON without echoing the key", async () => {
    const truncated = account.json.slice(0, account.json.length - 40);
    const schemaResult = googleSheetsConnector.configSchema.safeParse({ spreadsheetUrl: urlOf("sheet-people"), serviceAccountJson: truncated });
    expect(schemaResult.success).toBe(false);
    const issue = schemaResult.error?.issues[0];
    expect(issue?.path).toEqual(["serviceAccountJson"]);
    expect(issue?.message).toMatch(/not valid JSON/);
    const result = await googleSheetsConnector.check({ config: config("sheet-people", { serviceAccountJson: truncated }) });
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/service account key is not valid JSON/);
    expect(result.message).not.toContain("PRIVATE KEY");
    expect(result.message).not.toContain(truncated.slice(60, 100));
  });

  it("names the missing client_email / private_key fields", async () => {
    const withoutEmail = JSON.stringify({ ...JSON.parse(account.json), client_email: undefined });
    const noEmail = await googleSheetsConnector.check({ config: config("sheet-people", { serviceAccountJson: withoutEmail }) });
    expect(noEmail).toEqual({
      ok: false,
      message: 'The service account key JSON has no "client_email" field: paste the complete key file downloaded from Google Cloud.',
    });
    const badKey = JSON.stringify({ ...JSON.parse(account.json), private_key: "-----BEGIN PRIVATE KEY-----\nnot-a-key\n-----END PRIVATE KEY-----\n" });
    const result = await googleSheetsConnector.check({ config: config("sheet-people", { serviceAccountJson: badKey }) });
    expect(result.ok).toBe(false);
    expect(result.message).toContain(`"private_key" of service account ${account.clientEmail} is not a readable PEM private key`);
    expect(result.message).not.toContain("not-a-key");
    const oauthClient = JSON.stringify({ type: "authorized_user", client_id: "x" });
    expect((await googleSheetsConnector.check({ config: config("sheet-people", { serviceAccountJson: oauthClient }) })).message).toMatch(
      /"authorized_user" credential, not a service account key/,
    );
  });

  it("tells the user to share a spreadsheet the service account cannot open (403)", async () => {
    const result = await googleSheetsConnector.check({ config: config("sheet-private") });
    expect(result.ok).toBe(false);
    expect(result.message).toContain(`The service account ${account.clientEmail} cannot open spreadsheet sheet-private`);
    expect(result.message).toContain(`share the sheet with ${account.clientEmail}`);
    expect(result.message).toContain("Google said: The caller does not have permission");
    await expect(
      googleSheetsConnector.preview({ config: config("sheet-private"), model: { type: "table", schema: "x", table: "Sheet1" }, limit: 5 }),
    ).rejects.toBeInstanceOf(SourceQueryError);
  });

  it("says when the spreadsheet does not exist (404)", async () => {
    const result = await googleSheetsConnector.check({ config: config("sheet-missing") });
    expect(result).toEqual({
      ok: false,
      message: "Spreadsheet sheet-missing was not found: check the spreadsheet URL. Google said: Requested entity was not found.",
    });
  });

  it("names the column letter of a blank header cell", async () => {
    const result = await googleSheetsConnector.check({ config: config("sheet-blank-header") });
    expect(result.ok).toBe(false);
    expect(result.message).toBe(
      'Column C of sheet "Sheet1" holds data but has no header: type a column name in cell C1, or delete the column\'s values.',
    );
  });

  it("refuses duplicate header names", async () => {
    await expect(googleSheetsConnector.discover({ config: config("sheet-duplicate") })).rejects.toThrow(
      'Columns B and D of sheet "Sheet1" are both named "email": column names must be unique.',
    );
  });

  it("explains an empty sheet", async () => {
    const result = await googleSheetsConnector.check({ config: config("sheet-empty") });
    expect(result.message).toMatch(/Sheet "Sheet1" is empty: its first row must hold the column names/);
  });

  it("reads a named sheet from an A1 range, naming columns by their real letters", async () => {
    const wide = config("sheet-people", { range: "'Wide one'!B1:C" });
    const catalog = await googleSheetsConnector.discover({ config: wide });
    expect(catalog.schemas).toEqual([
      {
        name: "People export",
        tables: [
          {
            schema: "People export",
            name: "Wide one",
            columns: [
              { name: "id", type: "number", nativeType: "NUMBER" },
              { name: "plan", type: "string", nativeType: "TEXT" },
            ],
          },
        ],
      },
    ]);
    const rows = await googleSheetsConnector.readPage({
      config: wide,
      model: { type: "table", schema: "People export", table: "Wide one" },
      keyColumn: "id",
      limit: 10,
    });
    expect(rows).toEqual([
      { id: 1, plan: "pro" },
      { id: 2, plan: "free" },
    ]);
    expect(sim.requests).toContainEqual({ method: "POST", path: "/token" });
    expect(sim.requests).toContainEqual({ method: "GET", path: "/v4/spreadsheets/sheet-people/values/%27Wide%20one%27%21B1%3AC" });
    // Empty column A is skipped; the unnamed values in E are not.
    const wider = await googleSheetsConnector.check({ config: config("sheet-people", { range: "'Wide one'!B1:E9" }) });
    expect(wider.message).toMatch(/^Column E of sheet "Wide one" holds data but has no header: type a column name in cell E1/);
  });

  it("refuses a Range setting naming a sheet that does not exist, and a model for another sheet", async () => {
    const missing = await googleSheetsConnector.check({ config: config("sheet-people", { range: "Customers!A1:C" }) });
    expect(missing.message).toBe(
      'Sheet "Customers" (from the Range setting) was not found in spreadsheet "People export". Its sheets are: "People", "Wide one".',
    );
    await expect(
      googleSheetsConnector.preview({
        config: config("sheet-people", { range: "People" }),
        model: { type: "table", schema: "People export", table: "Wide one" },
        limit: 5,
      }),
    ).rejects.toThrow('Sheet "Wide one" is not read by this connection: its Range setting selects sheet "People".');
  });

  it("refuses SQL models with a clear error", async () => {
    const model = { type: "sql" as const, sql: "select * from People" };
    await expect(googleSheetsConnector.describeModel({ config: config("sheet-people"), model })).rejects.toThrow(
      /Google Sheets sources do not run SQL: choose the sheet as a table model/,
    );
    await expect(googleSheetsConnector.preview({ config: config("sheet-people"), model, limit: 5 })).rejects.toBeInstanceOf(SourceQueryError);
  });

  it("orders text keys by character code and accepts `after` as returned", async () => {
    const model = { type: "table" as const, schema: "People export", table: "People" };
    const all = await googleSheetsConnector.readPage({ config: config("sheet-people"), model, keyColumn: "email", limit: 10 });
    expect(all.map((r) => r.email)).toEqual(["C@example.com", "a@example.com", "b@example.com"]);
    const fromA = await googleSheetsConnector.readPage({ config: config("sheet-people"), model, keyColumn: "email", limit: 10, after: "a@example.com" });
    expect(fromA.map((r) => r.email)).toEqual(["a@example.com", "b@example.com"]);
    const byScore = await googleSheetsConnector.readPage({ config: config("sheet-people"), model, keyColumn: "score", limit: 10, after: "2" });
    expect(byScore.map((r) => r.name)).toEqual(["Cy", "Bea"]);
    await expect(googleSheetsConnector.readPage({ config: config("sheet-people"), model, keyColumn: "nope", limit: 10 })).rejects.toThrow(
      'Column "nope" is not in the sheet\'s header row; its columns are: email, name, score.',
    );
  });
});

describe("sheet type inference", () => {
  it("infers numbers, booleans, ISO dates and falls back to text", () => {
    expect(inferColumnType(["1", 2, "-3.5", "1e3", ""])).toBe("number");
    expect(inferColumnType([true, "FALSE", "true", null])).toBe("boolean");
    expect(inferColumnType(["2024-01-15", "2024-01-15T10:00:00Z", "2024-01-15 10:00:00+02:00"])).toBe("date");
    expect(inferColumnType(["1", "two"])).toBe("string");
    expect(inferColumnType(["2024-13-45"])).toBe("string");
    expect(inferColumnType(["1/15/2024"])).toBe("string");
    expect(inferColumnType(["", undefined])).toBe("string");
  });

  it("converts cells to typed values and blanks to null", () => {
    const table = buildSheetTable({
      sheetTitle: "S",
      values: [
        ["n", "b", "d", "t"],
        ["1.5", "TRUE", "2024-01-15", 42],
        [2, false, "2024-01-15T10:00:00", "x"],
        ["", "", "", true],
      ],
    });
    expect(table.columns.map((c) => c.type)).toEqual(["number", "boolean", "date", "string"]);
    expect(table.rows).toEqual([
      { n: 1.5, b: true, d: new Date("2024-01-15T00:00:00Z"), t: "42" },
      { n: 2, b: false, d: new Date("2024-01-15T10:00:00Z"), t: "x" },
      { n: null, b: null, d: null, t: "TRUE" },
    ]);
  });

  it("pages date keys by instant", () => {
    const table = buildSheetTable({ sheetTitle: "S", values: [["at"], ["2024-02-01"], ["2024-01-01"], ["2024-03-01"]] });
    const page = selectKeysetPage({ table, keyColumn: "at", limit: 5, after: "2024-02-01T00:00:00.000Z" });
    expect(page.map((r) => (r.at as Date).toISOString().slice(0, 10))).toEqual(["2024-02-01", "2024-03-01"]);
  });
});
