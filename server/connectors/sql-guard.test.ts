import { describe, expect, it } from "vitest";
import { ReadOnlyViolationError } from "./errors";
import { assertReadOnlySql } from "./sql-guard";

describe("assertReadOnlySql", () => {
  it.each([
    ["select 1", "select 1"],
    ["  SELECT * FROM users;  ", "SELECT * FROM users"],
    ["with a as (select 1) select * from a", "with a as (select 1) select * from a"],
    ["select '--x' as a", "select '--x' as a"],
    ["select 'a;b' as c -- trailing comment", "select 'a;b' as c"],
    ["/* note */ select 1", "select 1"],
  ])("accepts %j", (sql, expected) => {
    expect(assertReadOnlySql(sql)).toBe(expected);
  });

  it.each([
    ["", /empty/],
    ["delete from users", /starts with DELETE/],
    ["select 1; drop table users", /Only one statement/],
    ["with x as (delete from users returning *) select * from x", /may not contain/],
    ["update users set a = 1", /starts with UPDATE/],
  ])("refuses %j", (sql, message) => {
    expect(() => assertReadOnlySql(sql)).toThrow(ReadOnlyViolationError);
    expect(() => assertReadOnlySql(sql)).toThrow(message);
  });
});
