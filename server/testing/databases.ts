/**
 * Disposable databases on the real servers the test command starts (scripts/test.sh exports their
 * URLs). Each test file creates uniquely named databases and drops them afterwards.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import mysql from "mysql2/promise";

export const TEST_PG_URL = process.env.TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
export const TEST_MYSQL_URL = process.env.TEST_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test";

function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function createPostgresDatabase(prefix = "tw"): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const name = uniqueName(prefix);
  const admin = new pg.Client({ connectionString: TEST_PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  return {
    name,
    url: withDatabase(TEST_PG_URL, name),
    drop: async () => {
      const c = new pg.Client({ connectionString: TEST_PG_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

export async function createMysqlDatabase(prefix = "tw"): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const name = uniqueName(prefix);
  const admin = await mysql.createConnection(TEST_MYSQL_URL);
  await admin.query(`CREATE DATABASE \`${name}\``);
  await admin.end();
  return {
    name,
    url: withDatabase(TEST_MYSQL_URL, name),
    drop: async () => {
      const c = await mysql.createConnection(TEST_MYSQL_URL);
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
}
