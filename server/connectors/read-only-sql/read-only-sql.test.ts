/**
 * The parsers' classification on its own (no database): what each dialect accepts as one read-only
 * SELECT, and the specific message for each kind of refusal. The integration tests of the PostgreSQL
 * and MySQL connectors send the same attacks to real servers and re-read them.
 */
import { describe, expect, it } from "vitest";
import { ReadOnlyViolationError, SourceQueryError } from "../errors";
import { checkModelSql } from "./node-sql-parser";
import { checkPostgresModelSql } from "./postgres";

describe("PostgreSQL models, read by PostgreSQL's parser", () => {
  it("accepts one SELECT in its many spellings and returns it without a trailing semicolon", async () => {
    const cases: [string, string][] = [
      ["select 1;", "select 1"],
      ["SELECT 'a;b' AS x; -- done", "SELECT 'a;b' AS x"],
      ["SELECT $$;$$ AS x, $t$ $$ ' $t$ AS y;", "SELECT $$;$$ AS x, $t$ $$ ' $t$ AS y"],
      ["SELECT E'\\';' AS x", "SELECT E'\\';' AS x"],
      ["SELECT U&'\\0041;' AS x", "SELECT U&'\\0041;' AS x"],
      ["SELECT 1 /* outer /* inner; */ still a comment; */ AS x;", "SELECT 1 /* outer /* inner; */ still a comment; */ AS x"],
      ["SELECT 'héllo ✓' AS x;  ", "SELECT 'héllo ✓' AS x"],
      ["WITH t AS (SELECT 1 AS n) SELECT n, row_number() OVER (ORDER BY n) FROM t", "WITH t AS (SELECT 1 AS n) SELECT n, row_number() OVER (ORDER BY n) FROM t"],
      ["VALUES (1), (2)", "VALUES (1), (2)"],
      ["(SELECT 1) UNION ALL (SELECT 2)", "(SELECT 1) UNION ALL (SELECT 2)"],
      ["SELECT 1 AS x -- trailing comment", "SELECT 1 AS x -- trailing comment"],
    ];
    for (const [sql, expected] of cases) expect(await checkPostgresModelSql(sql), sql).toBe(expected);
  });

  it("refuses everything else with a specific message", async () => {
    const cases: [string, RegExp][] = [
      ["SELECT $a$'$a$ AS x) AS model; COMMIT; CREATE TABLE t(i int); SELECT * FROM (SELECT $b$'$b$ AS y", /not valid PostgreSQL: syntax error/],
      ["SELECT 1; SELECT 2", /one statement, and this query has 2/],
      ["SELECT ';' AS x; CREATE TABLE t(i int)", /one statement, and this query has 2/],
      ["COMMIT", /this is a TRANSACTION statement/],
      ["INSERT INTO t VALUES (1)", /this is an INSERT statement/],
      ["CREATE TABLE t AS SELECT 1", /CREATE TABLE AS statement/],
      ["EXPLAIN ANALYZE SELECT 1", /EXPLAIN statement/],
      ["DO $$ BEGIN END $$", /DO statement/],
      ["COPY (SELECT 1) TO '/tmp/x'", /COPY statement/],
      ["WITH w AS (INSERT INTO t VALUES (1) RETURNING *) SELECT * FROM w", /contains INSERT/],
      ["WITH w AS (SELECT 1), d AS (DELETE FROM t RETURNING *) SELECT * FROM w", /contains DELETE/],
      ["SELECT * FROM (WITH u AS (UPDATE t SET i = 1 RETURNING *) SELECT * FROM u) s", /contains UPDATE/],
      ["SELECT 1 INTO t", /SELECT … INTO creates a table/],
      ["SELECT * INTO TEMP t FROM x", /SELECT … INTO creates a table/],
      ["SELECT * FROM t FOR UPDATE", /locks rows/],
      ["SELECT * FROM t FOR KEY SHARE SKIP LOCKED", /locks rows/],
      ["SELECT pg_catalog.lo_export(1, '/tmp/x')", /lo_export\(\) acts outside/],
      ['SELECT "pg_terminate_backend"(1)', /pg_terminate_backend\(\) acts outside/],
      ["SELECT set_config('transaction_read_only', 'off', true)", /set_config\(\) acts outside/],
      ["SELECT * FROM dblink('host=x', 'CREATE TABLE t()') AS r(i int)", /dblink\(\) acts outside/],
      ["", /the query is empty/],
      ["-- only a comment", /the query is empty/],
    ];
    for (const [sql, message] of cases) {
      const error = await checkPostgresModelSql(sql).then(() => undefined, (e: unknown) => e);
      expect(error, sql).toBeInstanceOf(Error);
      expect((error as Error).message, sql).toMatch(message);
      expect(error instanceof ReadOnlyViolationError || error instanceof SourceQueryError, sql).toBe(true);
    }
  });
});

describe("MySQL/MariaDB models, read by node-sql-parser", () => {
  it("accepts one SELECT and returns it without a trailing semicolon or comment after it", async () => {
    const cases: [string, string][] = [
      ["SELECT 1 AS a;", "SELECT 1 AS a"],
      ["SELECT ';' AS a; # done", "SELECT ';' AS a"],
      ["SELECT 'it''s; fine' AS a, \"x;y\" AS b; -- done", "SELECT 'it''s; fine' AS a, \"x;y\" AS b"],
      ["SELECT 'a\\';' AS a", "SELECT 'a\\';' AS a"],
      ["SELECT `we#ird` FROM t # trailing comment", "SELECT `we#ird` FROM t # trailing comment"],
      ["WITH RECURSIVE r AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT * FROM r", "WITH RECURSIVE r AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT * FROM r"],
      ["SELECT a, ROW_NUMBER() OVER (PARTITION BY a ORDER BY b) AS n FROM t", "SELECT a, ROW_NUMBER() OVER (PARTITION BY a ORDER BY b) AS n FROM t"],
      ["SELECT 1 /* a comment; */ AS a", "SELECT 1 /* a comment; */ AS a"],
    ];
    for (const [sql, expected] of cases) expect(await checkModelSql(sql, "mysql"), sql).toBe(expected);
  });

  it("refuses everything else with a specific message", async () => {
    const cases: [string, RegExp][] = [
      ["SELECT 1 AS a) AS model INTO OUTFILE '/tmp/x' #", /parser could not read this query/],
      ["SELECT 1 INTO OUTFILE '/tmp/x'", /INTO \(OUTFILE, DUMPFILE or @variables\)/],
      ["SELECT * FROM t INTO DUMPFILE '/tmp/x'", /INTO \(OUTFILE/],
      ["SELECT a FROM t INTO @v", /INTO \(OUTFILE/],
      ["SELECT 1 AS a UNION SELECT 2 INTO OUTFILE '/tmp/x'", /INTO \(OUTFILE/],
      ["SELECT * FROM (SELECT 1 AS a INTO @v) AS m", /INTO \(OUTFILE/],
      ["SELECT 1 /*! INTO OUTFILE '/tmp/x' */", /executable comments/],
      ["SELECT 1 /*!50000 INTO OUTFILE '/tmp/x' */", /executable comments/],
      ["SELECT 1 /*M! INTO OUTFILE '/tmp/x' */", /executable comments/],
      ["SELECT 1 AS a --x\n INTO OUTFILE '/tmp/x'", /'--' as a comment only when a space follows/],
      ["SELECT * FROM t FOR UPDATE", /locks rows/],
      ["SELECT * FROM t LOCK IN SHARE MODE", /locks rows/],
      ["SELECT 1; SELECT 2", /one statement, and this query has 2/],
      ["SELECT ';' AS a; DROP TABLE t", /one statement, and this query has 2|this one is DROP/],
      ["INSERT INTO t VALUES (1)", /this one is INSERT/],
      ["REPLACE INTO t VALUES (1)", /this one is REPLACE/],
      ["DELETE FROM t", /this one is DELETE/],
      ["SELECT LOAD_FILE('/etc/passwd') AS a", /LOAD_FILE\(\) reaches outside/],
      ["SELECT sys_exec('id') AS a", /SYS_EXEC\(\) reaches outside/],
      ["SELECT 1 \\g", /parser could not read this query/],
      ["   ", /the query is empty/],
    ];
    for (const [sql, message] of cases) {
      const error = await checkModelSql(sql, "mysql").then(() => undefined, (e: unknown) => e);
      expect(error, sql).toBeInstanceOf(ReadOnlyViolationError);
      expect((error as Error).message, sql).toMatch(message);
    }
  });
});
