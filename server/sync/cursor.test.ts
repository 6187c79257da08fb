import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor } from "./cursor";

describe("page cursor", () => {
  it("round-trips key values exactly as the source returned them", () => {
    for (const value of ["u1", 42, 9007199254740993n, new Date("2024-01-01T00:00:00Z"), Buffer.from([1, 2, 255])]) {
      expect(decodeCursor(encodeCursor({ value, seen: 2 }))).toEqual({ value, seen: 2 });
    }
    expect(decodeCursor(null)).toBeNull();
  });
});
