/**
 * A local stand-in for the Google Sheets API v4 and Google's OAuth2 token endpoint, enough for the
 * Google Sheets source: the service-account JWT grant (signature checked against registered public
 * keys), spreadsheet metadata, and values read by sheet name or A1 range. Errors use Google's JSON
 * shapes so the connector's error handling is exercised as it would be against Google.
 *
 * Test infrastructure only: the product never ships it.
 */
import { createPublicKey, generateKeyPairSync, randomBytes, verify, type KeyObject } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** The audience Google's client libraries put in the assertion, whatever URL they post it to. */
const GOOGLE_TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token";
const JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";
const SHEETS_SCOPES = [
  "https://www.googleapis.com/auth/spreadsheets",
  "https://www.googleapis.com/auth/spreadsheets.readonly",
  "https://www.googleapis.com/auth/drive",
  "https://www.googleapis.com/auth/drive.readonly",
];
const TOKEN_LIFETIME_SECONDS = 3600;

type Sheet = { sheetId: number; title: string; rows: string[][] };
type Spreadsheet = { id: string; title: string; sheets: Sheet[]; sharedWith: Set<string> | null };
type AccessToken = { clientEmail: string; scopes: string[]; expiresAt: number };

export type GoogleSheetsSimulator = {
  /** API root, e.g. http://127.0.0.1:4010 (the `rootUrl` of the Sheets client). */
  url: string;
  port: number;
  /** The OAuth2 token endpoint (`${url}/token`). */
  tokenUrl: string;
  close(): Promise<void>;
  /** Creates the spreadsheet and sheet when missing and replaces the sheet's cells. */
  setSheet(spreadsheetId: string, sheetTitle: string, rows: string[][]): void;
  setSpreadsheetTitle(spreadsheetId: string, title: string): void;
  /** Registers a service account: assertions it signs with the matching private key are accepted. */
  addServiceAccount(clientEmail: string, publicKeyPem: string): void;
  /**
   * Limits who may read a spreadsheet, like sharing it in Google Drive. Until this is called a
   * spreadsheet is readable by every registered service account.
   */
  setSharing(spreadsheetId: string, clientEmails: string[]): void;
  /** Requests received, for assertions on what the client sent. */
  requests: { method: string; path: string }[];
};

class GoogleApiError extends Error {
  constructor(
    readonly code: number,
    readonly status: string,
    message: string,
  ) {
    super(message);
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  const payload = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=UTF-8", "content-length": Buffer.byteLength(payload) });
  res.end(payload);
}

function sendApiError(res: ServerResponse, error: GoogleApiError) {
  sendJson(res, error.code, { error: { code: error.code, message: error.message, status: error.status } });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function decodeSegment(segment: string): unknown {
  return JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
}

/** Column letters (A, Z, AA …) → zero-based index. */
function parseColumnLetters(letters: string): number {
  let index = 0;
  for (const ch of letters.toUpperCase()) index = index * 26 + (ch.charCodeAt(0) - 64);
  return index - 1;
}

function toColumnLetters(index: number): string {
  let n = index + 1;
  let letters = "";
  while (n > 0) {
    const rem = (n - 1) % 26;
    letters = String.fromCharCode(65 + rem) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

type CellBounds = { startRow: number; endRow: number; startColumn: number; endColumn: number };

/** Parses the A1 part of a range (A1:C10, A:C, 2:5, B2) into inclusive zero-based bounds; null when it is not A1 notation. */
function parseA1(a1: string): CellBounds | null {
  const cell = /^([A-Za-z]{0,3})(\d*)$/;
  const [from = "", to = from] = a1.split(":");
  const a = cell.exec(from);
  const b = cell.exec(to);
  if (!a || !b || (!a[1] && !a[2]) || (!b[1] && !b[2])) return null;
  const startColumn = a[1] ? parseColumnLetters(a[1]) : 0;
  const endColumn = b[1] ? parseColumnLetters(b[1]) : Number.MAX_SAFE_INTEGER;
  const startRow = a[2] ? Number(a[2]) - 1 : 0;
  const endRow = b[2] ? Number(b[2]) - 1 : Number.MAX_SAFE_INTEGER;
  if (startRow < 0 || endRow < startRow || endColumn < startColumn) return null;
  return { startRow, endRow, startColumn, endColumn };
}

const WHOLE_SHEET: CellBounds = { startRow: 0, endRow: Number.MAX_SAFE_INTEGER, startColumn: 0, endColumn: Number.MAX_SAFE_INTEGER };

function quoteSheetTitle(title: string): string {
  return /^[A-Za-z0-9_]+$/.test(title) ? title : `'${title.replace(/'/g, "''")}'`;
}

/** Unformatted values turn number-looking and TRUE/FALSE cells into JSON numbers and booleans, like Google does. */
function renderCell(value: string, unformatted: boolean): string | number | boolean {
  if (!unformatted) return value;
  if (/^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(value)) return Number(value);
  if (value === "TRUE" || value === "FALSE") return value === "TRUE";
  return value;
}

export async function startGoogleSheetsSimulator(options: { port?: number } = {}): Promise<GoogleSheetsSimulator> {
  const spreadsheets = new Map<string, Spreadsheet>();
  const accounts = new Map<string, KeyObject>();
  const tokens = new Map<string, AccessToken>();
  const requests: { method: string; path: string }[] = [];

  function ensureSpreadsheet(id: string): Spreadsheet {
    let spreadsheet = spreadsheets.get(id);
    if (!spreadsheet) {
      spreadsheet = { id, title: `Spreadsheet ${id}`, sheets: [], sharedWith: null };
      spreadsheets.set(id, spreadsheet);
    }
    return spreadsheet;
  }

  function handleToken(body: string, res: ServerResponse) {
    const form = new URLSearchParams(body);
    const tokenError = (error: string, description: string) => sendJson(res, 400, { error, error_description: description });
    if (form.get("grant_type") !== JWT_BEARER_GRANT) {
      return tokenError("unsupported_grant_type", `Invalid grant_type: ${form.get("grant_type") ?? ""}`);
    }
    const assertion = form.get("assertion") ?? "";
    const parts = assertion.split(".");
    if (parts.length !== 3) return tokenError("invalid_request", "Invalid JWT: Token must be a short-lived token and in a reasonable timeframe");
    const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
    let header: { alg?: string };
    let claims: { iss?: string; aud?: string; scope?: string; exp?: number; iat?: number };
    try {
      header = decodeSegment(headerPart) as typeof header;
      claims = decodeSegment(payloadPart) as typeof claims;
    } catch {
      return tokenError("invalid_request", "Invalid JWT: the assertion is not valid base64url JSON");
    }
    if (header.alg !== "RS256") return tokenError("invalid_request", "Invalid JWT: only RS256 is supported");
    const publicKey = claims.iss ? accounts.get(claims.iss) : undefined;
    if (!publicKey) return tokenError("invalid_grant", "Invalid grant: account not found");
    const signed = verify(
      "sha256",
      Buffer.from(`${headerPart}.${payloadPart}`),
      publicKey,
      Buffer.from(signaturePart, "base64url"),
    );
    if (!signed) return tokenError("invalid_grant", "Invalid JWT Signature.");
    const now = Math.floor(Date.now() / 1000);
    if (typeof claims.exp !== "number" || typeof claims.iat !== "number" || claims.exp < now || claims.exp - claims.iat > 3600) {
      return tokenError("invalid_grant", "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.");
    }
    if (claims.aud !== GOOGLE_TOKEN_AUDIENCE && claims.aud !== tokenUrl) {
      return tokenError("invalid_grant", "Invalid JWT: audience does not match the token endpoint");
    }
    const scopes = (claims.scope ?? "").split(/\s+/).filter(Boolean);
    if (scopes.length === 0) return tokenError("invalid_scope", "Invalid OAuth scope or ID token audience provided.");
    const accessToken = `ya29.sim-${randomBytes(24).toString("base64url")}`;
    tokens.set(accessToken, { clientEmail: claims.iss!, scopes, expiresAt: now + TOKEN_LIFETIME_SECONDS });
    sendJson(res, 200, { access_token: accessToken, expires_in: TOKEN_LIFETIME_SECONDS, token_type: "Bearer" });
  }

  function authenticate(req: IncomingMessage): AccessToken {
    const match = /^Bearer (.+)$/.exec(req.headers.authorization ?? "");
    const token = match ? tokens.get(match[1]!) : undefined;
    if (!token || token.expiresAt < Date.now() / 1000) {
      throw new GoogleApiError(
        401,
        "UNAUTHENTICATED",
        "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.",
      );
    }
    if (!token.scopes.some((s) => SHEETS_SCOPES.includes(s))) {
      throw new GoogleApiError(403, "PERMISSION_DENIED", "Request had insufficient authentication scopes.");
    }
    return token;
  }

  function openSpreadsheet(id: string, token: AccessToken): Spreadsheet {
    const spreadsheet = spreadsheets.get(id);
    if (!spreadsheet) throw new GoogleApiError(404, "NOT_FOUND", "Requested entity was not found.");
    const sharedWith = spreadsheet.sharedWith ?? new Set(accounts.keys());
    if (!sharedWith.has(token.clientEmail)) throw new GoogleApiError(403, "PERMISSION_DENIED", "The caller does not have permission");
    return spreadsheet;
  }

  function describeSpreadsheet(spreadsheet: Spreadsheet) {
    return {
      spreadsheetId: spreadsheet.id,
      properties: { title: spreadsheet.title, locale: "en_US", autoRecalc: "ON_CHANGE", timeZone: "Etc/GMT" },
      sheets: spreadsheet.sheets.map((sheet, index) => ({
        properties: {
          sheetId: sheet.sheetId,
          title: sheet.title,
          index,
          sheetType: "GRID",
          gridProperties: {
            rowCount: Math.max(1000, sheet.rows.length),
            columnCount: Math.max(26, ...sheet.rows.map((r) => r.length)),
          },
        },
      })),
      spreadsheetUrl: `https://docs.google.com/spreadsheets/d/${spreadsheet.id}/edit`,
    };
  }

  function readValues(spreadsheet: Spreadsheet, range: string, unformatted: boolean) {
    const unparsable = () => new GoogleApiError(400, "INVALID_ARGUMENT", `Unable to parse range: ${range}`);
    let sheet: Sheet | undefined;
    let a1: string | undefined;
    const bang = range.lastIndexOf("!");
    if (bang >= 0) {
      const rawTitle = range.slice(0, bang);
      const title = /^'.*'$/.test(rawTitle) ? rawTitle.slice(1, -1).replace(/''/g, "'") : rawTitle;
      sheet = spreadsheet.sheets.find((s) => s.title === title);
      a1 = range.slice(bang + 1);
    } else {
      const title = /^'.*'$/.test(range) ? range.slice(1, -1).replace(/''/g, "'") : range;
      sheet = spreadsheet.sheets.find((s) => s.title === title);
      if (!sheet) {
        sheet = spreadsheet.sheets[0];
        a1 = range;
      }
    }
    if (!sheet) throw unparsable();
    const bounds = a1 === undefined ? WHOLE_SHEET : parseA1(a1);
    if (!bounds) throw unparsable();
    const grid = sheet.rows
      .slice(bounds.startRow, bounds.endRow === Number.MAX_SAFE_INTEGER ? undefined : bounds.endRow + 1)
      .map((row) => {
        const cells = row.slice(bounds.startColumn, bounds.endColumn === Number.MAX_SAFE_INTEGER ? undefined : bounds.endColumn + 1);
        // Google omits trailing empty cells of each row, and empty trailing rows.
        while (cells.length > 0 && cells[cells.length - 1] === "") cells.pop();
        return cells.map((c) => renderCell(c, unformatted));
      });
    while (grid.length > 0 && grid[grid.length - 1]!.length === 0) grid.pop();
    const width = Math.max(1, ...sheet.rows.map((r) => r.length));
    const height = Math.max(1, sheet.rows.length);
    const lastColumn = Math.min(bounds.endColumn, width - 1);
    const lastRow = Math.min(bounds.endRow, height - 1);
    const echoedRange = `${quoteSheetTitle(sheet.title)}!${toColumnLetters(bounds.startColumn)}${bounds.startRow + 1}:${toColumnLetters(Math.max(lastColumn, bounds.startColumn))}${Math.max(lastRow, bounds.startRow) + 1}`;
    return grid.length > 0 ? { range: echoedRange, majorDimension: "ROWS", values: grid } : { range: echoedRange, majorDimension: "ROWS" };
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", "http://localhost");
    requests.push({ method: req.method ?? "GET", path: url.pathname });
    if (req.method === "POST" && url.pathname === "/token") {
      return handleToken(await readBody(req), res);
    }
    const values = /^\/v4\/spreadsheets\/([^/]+)\/values\/([^/]+)$/.exec(url.pathname);
    const metadata = /^\/v4\/spreadsheets\/([^/]+)$/.exec(url.pathname);
    if (req.method !== "GET" || (!values && !metadata)) {
      throw new GoogleApiError(404, "NOT_FOUND", `Method not found: ${req.method ?? ""} ${url.pathname}`);
    }
    const token = authenticate(req);
    if (values) {
      const spreadsheet = openSpreadsheet(decodeURIComponent(values[1]!), token);
      const unformatted = url.searchParams.get("valueRenderOption") === "UNFORMATTED_VALUE";
      return sendJson(res, 200, readValues(spreadsheet, decodeURIComponent(values[2]!), unformatted));
    }
    const spreadsheet = openSpreadsheet(decodeURIComponent(metadata![1]!), token);
    sendJson(res, 200, describeSpreadsheet(spreadsheet));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (error instanceof GoogleApiError) return sendApiError(res, error);
      sendApiError(res, new GoogleApiError(500, "INTERNAL", error instanceof Error ? error.message : "Internal error"));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  const tokenUrl = `${url}/token`;
  let nextSheetId = 0;

  return {
    url,
    port,
    tokenUrl,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
    setSheet(spreadsheetId, sheetTitle, rows) {
      const spreadsheet = ensureSpreadsheet(spreadsheetId);
      const copy = rows.map((row) => [...row]);
      const existing = spreadsheet.sheets.find((s) => s.title === sheetTitle);
      if (existing) existing.rows = copy;
      else spreadsheet.sheets.push({ sheetId: nextSheetId++, title: sheetTitle, rows: copy });
    },
    setSpreadsheetTitle(spreadsheetId, title) {
      ensureSpreadsheet(spreadsheetId).title = title;
    },
    addServiceAccount(clientEmail, publicKeyPem) {
      accounts.set(clientEmail, createPublicKey(publicKeyPem));
    },
    setSharing(spreadsheetId, clientEmails) {
      ensureSpreadsheet(spreadsheetId).sharedWith = new Set(clientEmails);
    },
  };
}

/**
 * A fresh service account as Google Cloud would download it (the JSON key file), plus its public key
 * for `addServiceAccount`. The project and key ids are made up.
 */
export function createTestServiceAccount(clientEmail = `sync-${randomBytes(4).toString("hex")}@test-project.iam.gserviceaccount.com`) {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const privateKeyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const publicKeyPem = publicKey.export({ type: "spki", format: "pem" }).toString();
  const json = JSON.stringify({
    type: "service_account",
    project_id: "test-project",
    private_key_id: randomBytes(20).toString("hex"),
    private_key: privateKeyPem,
    client_email: clientEmail,
    client_id: String(100000000000000000000n + BigInt(randomBytes(4).readUInt32BE())),
    auth_uri: "https://accounts.google.com/o/oauth2/auth",
    token_uri: "https://oauth2.googleapis.com/token",
  });
  return { clientEmail, privateKeyPem, publicKeyPem, json };
}
