/**
 * The Sheets API calls the connector makes, with Google's errors turned into messages that tell the
 * user what to do. The API root and the token endpoint can be pointed at the local simulator through
 * server env (tests only); nothing the user types chooses a host.
 */
import { createHash } from "node:crypto";
import type { sheets_v4 } from "@googleapis/sheets";
import type { JWT } from "google-auth-library";
import { env } from "~/env.js";
import { SourceQueryError } from "../errors";
import { isTransientHttpStatus } from "../transient-errors";
import type { ServiceAccount } from "./service-account";
import { parseColumnLetters, type Cell } from "./sheet-table";

const READONLY_SCOPE = "https://www.googleapis.com/auth/spreadsheets.readonly";
/** Where google-auth-library posts the JWT grant; it offers no option to change it. */
const GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token";
const REQUEST_TIMEOUT_MS = 30_000;
const A1_RANGE = /^([A-Za-z]{0,3})(\d*)(?::[A-Za-z]{0,3}\d*)?$/;

export type SpreadsheetInfo = { id: string; title: string; sheetTitles: string[] };

/** What to read: a sheet, optionally narrowed to an A1 range, and where that range starts. */
export type SheetRange = { sheetTitle: string; a1?: string; firstColumn: number; firstRow: number };

type GoogleErrorShape = {
  name?: string;
  code?: string;
  status?: number;
  message?: string;
  response?: { status?: number; data?: { error?: string | { message?: string; status?: string }; error_description?: string } };
};

type GoogleClients = { sheets: typeof import("@googleapis/sheets").sheets; JWT: typeof JWT };

let googleClients: Promise<GoogleClients> | undefined;

/** Google's client libraries are loaded on first use: a process that never reads a sheet does not carry them. */
function loadGoogleClients(): Promise<GoogleClients> {
  googleClients ??= Promise.all([import("@googleapis/sheets"), import("google-auth-library")]).then(([api, auth]) => ({ sheets: api.sheets, JWT: auth.JWT }));
  return googleClients;
}

// Reusing the JWT client reuses its access token (valid an hour) instead of asking for one per call.
const authClients = new Map<string, JWT>();
const MAX_CACHED_CLIENTS = 50;

function getAuthClient(account: ServiceAccount, { JWT }: GoogleClients): JWT {
  const tokenUrl = env.GOOGLE_OAUTH_TOKEN_URL;
  const cacheKey = createHash("sha256").update(`${tokenUrl ?? ""}\n${account.clientEmail}\n${account.privateKey}`).digest("hex");
  const cached = authClients.get(cacheKey);
  if (cached) return cached;
  const client = new JWT({ email: account.clientEmail, key: account.privateKey, scopes: [READONLY_SCOPE] });
  if (tokenUrl) {
    client.transporter.interceptors.request.add({
      resolved: async (options) => {
        if (String(options.url) === GOOGLE_TOKEN_URL) options.url = new URL(tokenUrl);
        return options;
      },
    });
  }
  if (authClients.size >= MAX_CACHED_CLIENTS) authClients.delete(authClients.keys().next().value!);
  authClients.set(cacheKey, client);
  return client;
}

async function createSheetsClient(account: ServiceAccount): Promise<sheets_v4.Sheets> {
  const base = env.GOOGLE_SHEETS_API_BASE_URL;
  const google = await loadGoogleClients();
  return google.sheets({
    version: "v4",
    // The Sheets package bundles its own copy of google-auth-library; the client is compatible at runtime.
    auth: getAuthClient(account, google) as unknown as sheets_v4.Options["auth"],
    ...(base ? { rootUrl: base.endsWith("/") ? base : `${base}/` } : {}),
  });
}

/** A user-facing message for a failed call; `subject` says what was being read. */
function describeGoogleError(error: unknown, p: { account: ServiceAccount; spreadsheetId: string; subject: string }): string {
  const e = (error ?? {}) as GoogleErrorShape;
  const data = e.response?.data;
  if (typeof data?.error === "string") {
    // The OAuth token endpoint answered: the key itself was refused.
    const detail = data.error_description ? `${data.error}: ${data.error_description}` : data.error;
    return `Google refused the service account key of ${p.account.clientEmail} (${detail}). The key may have been deleted or the service account disabled: create a new JSON key in Google Cloud and paste it here.`;
  }
  const status = e.response?.status ?? (typeof e.status === "number" ? e.status : undefined);
  const googleMessage = typeof data?.error === "object" && data.error?.message ? ` Google said: ${data.error.message}` : "";
  switch (status) {
    case 400:
      return `Google Sheets could not read ${p.subject}.${googleMessage}`;
    case 401:
      return `Google Sheets did not accept the access token of ${p.account.clientEmail}.${googleMessage}`;
    case 403:
      return `The service account ${p.account.clientEmail} cannot open spreadsheet ${p.spreadsheetId}: share the sheet with ${p.account.clientEmail} (Viewer is enough), and check that the Google Sheets API is enabled in its Google Cloud project.${googleMessage}`;
    case 404:
      return `Spreadsheet ${p.spreadsheetId} was not found: check the spreadsheet URL.${googleMessage}`;
    case 429:
      return `Google Sheets is rate-limiting requests for ${p.account.clientEmail}: try again in a minute.${googleMessage}`;
    default:
      if (status && status >= 500) return `Google Sheets failed with HTTP ${status} while reading ${p.subject}: try again later.${googleMessage}`;
  }
  const name = e.name === "AbortError" || e.code === "ABORT_ERR" ? "the request was cancelled" : (e.code ?? "a network error");
  return `Could not reach Google Sheets while reading ${p.subject} (${name}).`;
}

async function callGoogle<T>(request: () => Promise<T>, p: { account: ServiceAccount; spreadsheetId: string; subject: string }): Promise<T> {
  try {
    return await request();
  } catch (error) {
    // The original error is not attached: its request config carries the bearer token.
    const code = (error as GoogleErrorShape).response?.status;
    throw new SourceQueryError(describeGoogleError(error, p), { code: code ? String(code) : undefined, transient: code ? isTransientHttpStatus(code) : true });
  }
}

export async function fetchSpreadsheet(p: { account: ServiceAccount; spreadsheetId: string; signal?: AbortSignal }): Promise<SpreadsheetInfo> {
  const client = await createSheetsClient(p.account);
  const res = await callGoogle(
    () =>
      client.spreadsheets.get(
        { spreadsheetId: p.spreadsheetId, fields: "spreadsheetId,properties.title,sheets.properties(title,index)" },
        { signal: p.signal, timeout: REQUEST_TIMEOUT_MS },
      ),
    { ...p, subject: `spreadsheet ${p.spreadsheetId}` },
  );
  const sheetTitles = (res.data.sheets ?? [])
    .map((s) => s.properties?.title)
    .filter((title): title is string => typeof title === "string");
  return { id: p.spreadsheetId, title: res.data.properties?.title ?? "", sheetTitles };
}

function quoteSheetTitle(title: string): string {
  return `'${title.replace(/'/g, "''")}'`;
}

function rangeStart(a1: string | undefined): { firstColumn: number; firstRow: number } {
  const match = a1 ? A1_RANGE.exec(a1) : null;
  return {
    firstColumn: match?.[1] ? parseColumnLetters(match[1]) : 0,
    firstRow: match?.[2] ? Number(match[2]) : 1,
  };
}

/**
 * What the connection reads. `range` is the optional setting: a sheet name, an A1 range of the first
 * sheet, or both ("Sheet1!A1:D"). A table model names the sheet; without a Range setting any sheet of
 * the spreadsheet can be read by its title.
 */
export function resolveSheetRange(p: { spreadsheet: SpreadsheetInfo; range?: string; table?: string }): SheetRange {
  const { spreadsheet } = p;
  const listSheets = () => spreadsheet.sheetTitles.map((t) => `"${t}"`).join(", ");
  const notFound = (title: string, origin: string) =>
    new SourceQueryError(`Sheet "${title}"${origin} was not found in spreadsheet "${spreadsheet.title}". Its sheets are: ${listSheets()}.`);
  const range = p.range?.trim();
  let configured: { sheetTitle: string; a1?: string } | undefined;
  if (range) {
    const bang = range.lastIndexOf("!");
    if (bang >= 0) {
      const raw = range.slice(0, bang);
      const title = /^'.*'$/.test(raw) ? raw.slice(1, -1).replace(/''/g, "'") : raw;
      const a1 = range.slice(bang + 1);
      if (!spreadsheet.sheetTitles.includes(title)) throw notFound(title, " (from the Range setting)");
      if (!A1_RANGE.test(a1) || a1 === "") {
        throw new SourceQueryError(`The Range setting "${range}" is not valid: after the "!" write cells in A1 notation, like A1:F or A2:F500.`);
      }
      configured = { sheetTitle: title, a1 };
    } else if (spreadsheet.sheetTitles.includes(range)) {
      configured = { sheetTitle: range };
    } else if (A1_RANGE.test(range)) {
      const first = spreadsheet.sheetTitles[0];
      if (!first) throw new SourceQueryError(`Spreadsheet "${spreadsheet.title}" has no sheets.`);
      configured = { sheetTitle: first, a1: range };
    } else {
      throw notFound(range, " (from the Range setting)");
    }
  }
  if (p.table !== undefined) {
    if (configured && configured.sheetTitle !== p.table) {
      throw new SourceQueryError(
        `Sheet "${p.table}" is not read by this connection: its Range setting selects sheet "${configured.sheetTitle}". Change the Range setting or pick that sheet.`,
      );
    }
    if (!configured) {
      if (!spreadsheet.sheetTitles.includes(p.table)) throw notFound(p.table, "");
      configured = { sheetTitle: p.table };
    }
  }
  if (!configured) {
    const first = spreadsheet.sheetTitles[0];
    if (!first) throw new SourceQueryError(`Spreadsheet "${spreadsheet.title}" has no sheets.`);
    configured = { sheetTitle: first };
  }
  return { ...configured, ...rangeStart(configured.a1) };
}

export async function fetchSheetValues(p: {
  account: ServiceAccount;
  spreadsheetId: string;
  range: SheetRange;
  signal?: AbortSignal;
}): Promise<Cell[][]> {
  const client = await createSheetsClient(p.account);
  const a1 = `${quoteSheetTitle(p.range.sheetTitle)}${p.range.a1 ? `!${p.range.a1}` : ""}`;
  const res = await callGoogle(
    () =>
      client.spreadsheets.values.get(
        {
          spreadsheetId: p.spreadsheetId,
          range: a1,
          majorDimension: "ROWS",
          // Raw numbers and booleans, so a currency or thousands format does not turn a number into text.
          valueRenderOption: "UNFORMATTED_VALUE",
          dateTimeRenderOption: "FORMATTED_STRING",
        },
        { signal: p.signal, timeout: REQUEST_TIMEOUT_MS },
      ),
    { account: p.account, spreadsheetId: p.spreadsheetId, subject: `range ${a1}` },
  );
  return (res.data.values ?? []) as Cell[][];
}
