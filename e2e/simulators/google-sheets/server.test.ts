import { sign } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestServiceAccount, startGoogleSheetsSimulator, type GoogleSheetsSimulator } from "./server";

function signAssertion(privateKeyPem: string, claims: Record<string, unknown>): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const unsigned = `${encode({ alg: "RS256", typ: "JWT" })}.${encode(claims)}`;
  return `${unsigned}.${sign("sha256", Buffer.from(unsigned), privateKeyPem).toString("base64url")}`;
}

function claimsFor(clientEmail: string, overrides: Record<string, unknown> = {}) {
  const iat = Math.floor(Date.now() / 1000);
  return {
    iss: clientEmail,
    scope: "https://www.googleapis.com/auth/spreadsheets.readonly",
    aud: "https://oauth2.googleapis.com/token",
    iat,
    exp: iat + 3600,
    ...overrides,
  };
}

describe("Google Sheets simulator", () => {
  let sim: GoogleSheetsSimulator;
  const owner = createTestServiceAccount("owner@test-project.iam.gserviceaccount.com");
  const outsider = createTestServiceAccount("outsider@test-project.iam.gserviceaccount.com");
  const stranger = createTestServiceAccount("stranger@test-project.iam.gserviceaccount.com");

  async function requestToken(assertion: string) {
    const res = await fetch(sim.tokenUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer", assertion }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  async function tokenFor(account: { clientEmail: string; privateKeyPem: string }) {
    const { status, body } = await requestToken(signAssertion(account.privateKeyPem, claimsFor(account.clientEmail)));
    expect(status).toBe(200);
    return body.access_token as string;
  }

  async function get(path: string, token?: string) {
    const res = await fetch(`${sim.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  beforeAll(async () => {
    sim = await startGoogleSheetsSimulator();
    sim.addServiceAccount(owner.clientEmail, owner.publicKeyPem);
    sim.addServiceAccount(outsider.clientEmail, outsider.publicKeyPem);
    sim.setSpreadsheetTitle("doc1", "Customers");
    sim.setSheet("doc1", "People", [
      ["id", "email", "vip"],
      ["1", "a@example.com", "TRUE"],
      ["2", "b@example.com", ""],
      ["3", "", "FALSE"],
    ]);
    sim.setSheet("doc1", "Other sheet", [["x"], ["1"]]);
    sim.setSheet("private", "Sheet1", [["id"], ["1"]]);
    sim.setSharing("private", [owner.clientEmail]);
  });
  afterAll(async () => {
    await sim?.close();
  });

  it("issues an access token for a JWT signed with a registered key", async () => {
    const { status, body } = await requestToken(signAssertion(owner.privateKeyPem, claimsFor(owner.clientEmail)));
    expect(status).toBe(200);
    expect(body).toMatchObject({ token_type: "Bearer", expires_in: 3600 });
    expect(typeof body.access_token).toBe("string");
  });

  it("answers invalid_grant for a JWT signed with the wrong key or by an unknown account", async () => {
    const wrongKey = await requestToken(signAssertion(stranger.privateKeyPem, claimsFor(owner.clientEmail)));
    expect(wrongKey).toEqual({ status: 400, body: { error: "invalid_grant", error_description: "Invalid JWT Signature." } });
    const unknown = await requestToken(signAssertion(stranger.privateKeyPem, claimsFor(stranger.clientEmail)));
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toBe("invalid_grant");
  });

  it("refuses expired assertions and other grant types", async () => {
    const past = Math.floor(Date.now() / 1000) - 7200;
    const expired = await requestToken(signAssertion(owner.privateKeyPem, claimsFor(owner.clientEmail, { iat: past, exp: past + 3600 })));
    expect(expired.status).toBe(400);
    expect(expired.body.error).toBe("invalid_grant");
    const res = await fetch(sim.tokenUrl, { method: "POST", body: new URLSearchParams({ grant_type: "password" }) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe("unsupported_grant_type");
  });

  it("serves spreadsheet metadata with sheet titles", async () => {
    const { status, body } = await get("/v4/spreadsheets/doc1", await tokenFor(owner));
    expect(status).toBe(200);
    expect(body).toMatchObject({ spreadsheetId: "doc1", properties: { title: "Customers" } });
    const sheets = body.sheets as { properties: { title: string; index: number } }[];
    expect(sheets.map((s) => s.properties.title)).toEqual(["People", "Other sheet"]);
  });

  it("serves values by sheet name, quoted sheet name and A1 range, trimming empty trailing cells", async () => {
    const token = await tokenFor(owner);
    const whole = await get(`/v4/spreadsheets/doc1/values/${encodeURIComponent("People")}`, token);
    expect(whole.body.values).toEqual([
      ["id", "email", "vip"],
      ["1", "a@example.com", "TRUE"],
      ["2", "b@example.com"],
      ["3", "", "FALSE"],
    ]);
    expect(whole.body.range).toBe("People!A1:C4");
    const quoted = await get(`/v4/spreadsheets/doc1/values/${encodeURIComponent("'Other sheet'!A1:A2")}`, token);
    expect(quoted.body.values).toEqual([["x"], ["1"]]);
    const part = await get(`/v4/spreadsheets/doc1/values/${encodeURIComponent("People!B2:C3")}`, token);
    expect(part.body.values).toEqual([["a@example.com", "TRUE"], ["b@example.com"]]);
    const firstSheet = await get(`/v4/spreadsheets/doc1/values/${encodeURIComponent("A1:A2")}`, token);
    expect(firstSheet.body.values).toEqual([["id"], ["1"]]);
  });

  it("renders numbers and booleans as JSON values when asked for unformatted values", async () => {
    const token = await tokenFor(owner);
    const { body } = await get("/v4/spreadsheets/doc1/values/People?valueRenderOption=UNFORMATTED_VALUE", token);
    expect(body.values).toEqual([
      ["id", "email", "vip"],
      [1, "a@example.com", true],
      [2, "b@example.com"],
      [3, "", false],
    ]);
  });

  it("answers Google's error shapes: 400 bad range, 401 no token, 403 not shared, 404 unknown", async () => {
    const token = await tokenFor(outsider);
    expect(await get(`/v4/spreadsheets/doc1/values/${encodeURIComponent("Nope!A1")}`, token)).toEqual({
      status: 400,
      body: { error: { code: 400, message: "Unable to parse range: Nope!A1", status: "INVALID_ARGUMENT" } },
    });
    const anonymous = await get("/v4/spreadsheets/doc1");
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ error: { code: 401, status: "UNAUTHENTICATED" } });
    expect(await get("/v4/spreadsheets/private", token)).toEqual({
      status: 403,
      body: { error: { code: 403, message: "The caller does not have permission", status: "PERMISSION_DENIED" } },
    });
    expect((await get("/v4/spreadsheets/private", await tokenFor(owner))).status).toBe(200);
    expect(await get("/v4/spreadsheets/missing", token)).toEqual({
      status: 404,
      body: { error: { code: 404, message: "Requested entity was not found.", status: "NOT_FOUND" } },
    });
  });
});
