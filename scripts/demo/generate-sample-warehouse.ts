/**
 * Writes the demo's sample warehouse, demo/sample-warehouse/*.parquet: 3,000 users, 10,000 purchases and
 * 8,000 app events, with the bad rows real warehouses have (phones without a country code, malformed
 * emails, missing and duplicate keys, very long and non-Latin names). The output is committed; rerun this
 * only to change the data: `npx tsx scripts/demo/generate-sample-warehouse.ts`. A fixed seed makes the
 * files identical on every run.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DuckDBInstance } from "@duckdb/node-api";

const OUT_DIR = fileURLToPath(new URL("../../demo/sample-warehouse/", import.meta.url));
const USERS = 3000;
const PURCHASES = 10_000;
const APP_EVENTS = 8000;
const EPOCH = Date.UTC(2025, 0, 1);
const DAY = 86_400_000;

/** mulberry32: small, seedable, good enough for sample data. */
function createRandom(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = createRandom(20261202);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const chance = (p: number) => random() < p;

const FIRST_NAMES = ["Ada", "Grace", "Linus", "Margaret", "Alan", "Katherine", "Tim", "Radia", "Ken", "Barbara", "Dennis", "Frances", "Guido", "Hedy", "Yukihiro", "Sophie", "Anders", "Lovelace", "Edsger", "Donald"];
const LAST_NAMES = ["Lovelace", "Hopper", "Torvalds", "Hamilton", "Turing", "Johnson", "Berners-Lee", "Perlman", "Thompson", "Liskov", "Ritchie", "Allen", "van Rossum", "Lamarr", "Matsumoto", "Wilson", "Hejlsberg", "Byron", "Dijkstra", "Knuth"];
const UNICODE_NAMES = ["Zoë Ångström", "José Müller", "Søren Kierkegård", "Ñandú Peña", "李小龍", "Владимир Ильич", "محمد الخوارزمي", "Ευκλείδης Αλεξάνδρειας", "Nguyễn Thị Minh", "Chloé Brontë"];
const PLANS = ["free", "starter", "pro", "team"];
const GENDERS = ["male", "female", "other", "unknown", "M", "F"];
const CITIES = ["London", "Paris", "Berlin", "Bengaluru", "São Paulo", "New York", "Tokyo", "Lagos", "Sydney", "Toronto"];
const CURRENCIES = ["USD", "EUR", "GBP", "INR"];
const EVENT_NAMES = ["App Opened", "Product Viewed", "Added to Cart", "Search", "Checkout Started"];
const PLATFORMS = ["ios", "android", "web"];

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function toCsv(columns: string[], rows: unknown[][]): string {
  return [columns.join(","), ...rows.map((row) => row.map(csvCell).join(","))].join("\n") + "\n";
}

function phoneFor(index: number): string | null {
  const digits = String(10_000_000 + ((index * 7919) % 89_999_999));
  // Most phones are stored in E.164. About one in twelve was typed the national way ("020 …", no country
  // code), one in seventeen in international format with spaces, and a few are not phones at all.
  if (index % 12 === 5) return `020 ${digits.slice(0, 4)} ${digits.slice(4)}`;
  if (index % 17 === 3) return `+44 20 ${digits.slice(0, 4)} ${digits.slice(4)}`;
  if (index % 97 === 3) return "n/a";
  if (index % 31 === 7) return null;
  const [prefix, length] = pick([["+4420", 8], ["+1415", 7], ["+9198", 8], ["+4930", 8]] as const);
  return prefix + digits.slice(0, length);
}

function generateUsers(): unknown[][] {
  const rows: unknown[][] = [];
  for (let i = 1; i <= USERS; i++) {
    const id = `u_${String(i).padStart(5, "0")}`;
    let name = i % 37 < UNICODE_NAMES.length ? UNICODE_NAMES[i % 37]! : `${pick(FIRST_NAMES)} ${pick(LAST_NAMES)}`;
    if (i === 1234 || i === 2345) name = `${name} ${"the Magnificent ".repeat(45)}`.trim();
    let email: string | null = `${name.split(" ")[0]!.toLowerCase().normalize("NFD").replace(/[^a-z]/g, "") || "user"}.${i}@example.com`;
    if (i % 150 === 0) email = null;
    else if (i % 211 === 0) email = `user${i}.example.com`;
    const signedUp = new Date(EPOCH + Math.floor(random() * 600) * DAY + Math.floor(random() * DAY));
    const updated = new Date(signedUp.getTime() + Math.floor(random() * 60) * DAY);
    rows.push([
      i % 500 === 0 ? null : id,
      email,
      name,
      phoneFor(i),
      pick(GENDERS),
      pick(CITIES),
      pick(PLANS),
      (Math.round(random() * 250_000) / 100).toFixed(2),
      chance(0.7),
      signedUp.toISOString(),
      updated.toISOString(),
    ]);
  }
  // Two rows repeat an earlier user's key, as a botched backfill leaves them.
  rows.push([...rows[41]!.slice(0, 2), "Duplicate of u_00042", ...rows[41]!.slice(3)]);
  rows.push([...rows[99]!.slice(0, 2), "Duplicate of u_00100", ...rows[99]!.slice(3)]);
  return rows;
}

function generatePurchases(): unknown[][] {
  const rows: unknown[][] = [];
  for (let i = 1; i <= PURCHASES; i++) {
    const user = 1 + Math.floor(random() * USERS);
    const at = new Date(EPOCH + Math.floor(random() * 700 * DAY));
    rows.push([`p_${String(i).padStart(6, "0")}`, `u_${String(user).padStart(5, "0")}`, (Math.round(random() * 50_000) / 100).toFixed(2), pick(CURRENCIES), pick(["card", "upi", "paypal", "voucher"]), at.toISOString()]);
  }
  return rows;
}

function generateAppEvents(): unknown[][] {
  const rows: unknown[][] = [];
  for (let i = 1; i <= APP_EVENTS; i++) {
    const user = 1 + Math.floor(random() * USERS);
    const at = new Date(EPOCH + Math.floor(random() * 700 * DAY));
    rows.push([`e_${String(i).padStart(6, "0")}`, i % 400 === 0 ? null : `u_${String(user).padStart(5, "0")}`, pick(EVENT_NAMES), pick(PLATFORMS), `${1 + Math.floor(random() * 8)}.${Math.floor(random() * 10)}.0`, at.toISOString()]);
  }
  return rows;
}

const TABLES = [
  {
    name: "users",
    columns: ["user_id", "email", "name", "phone", "gender", "city", "plan", "lifetime_value", "email_opt_in", "signed_up_at", "updated_at"],
    types: "user_id VARCHAR, email VARCHAR, name VARCHAR, phone VARCHAR, gender VARCHAR, city VARCHAR, plan VARCHAR, lifetime_value DECIMAL(10,2), email_opt_in BOOLEAN, signed_up_at TIMESTAMP, updated_at TIMESTAMP",
    rows: generateUsers,
  },
  {
    name: "purchases",
    columns: ["purchase_id", "user_id", "amount", "currency", "payment_mode", "bought_at"],
    types: "purchase_id VARCHAR, user_id VARCHAR, amount DECIMAL(10,2), currency VARCHAR, payment_mode VARCHAR, bought_at TIMESTAMP",
    rows: generatePurchases,
  },
  {
    name: "app_events",
    columns: ["event_id", "user_id", "event_name", "platform", "app_version", "occurred_at"],
    types: "event_id VARCHAR, user_id VARCHAR, event_name VARCHAR, platform VARCHAR, app_version VARCHAR, occurred_at TIMESTAMP",
    rows: generateAppEvents,
  },
];

mkdirSync(OUT_DIR, { recursive: true });
const instance = await DuckDBInstance.create(":memory:");
const connection = await instance.connect();
try {
  for (const table of TABLES) {
    const csvPath = join(OUT_DIR, `${table.name}.csv.tmp`);
    const rows = table.rows();
    writeFileSync(csvPath, toCsv(table.columns, rows));
    const columns = table.types
      .split(", ")
      .map((c) => {
        const [name, ...type] = c.split(" ");
        return `'${name}': '${type.join(" ")}'`;
      })
      .join(", ");
    const target = join(OUT_DIR, `${table.name}.parquet`);
    await connection.run(`COPY (SELECT * FROM read_csv('${csvPath}', header = true, columns = {${columns}})) TO '${target}' (FORMAT parquet, COMPRESSION zstd)`);
    rmSync(csvPath);
    console.log(`${table.name}: ${rows.length} rows → ${target}`);
  }
} finally {
  connection.closeSync();
  instance.closeSync();
}
