import { describe, expect, it } from "vitest";
import { describeRowValues, groupReason } from "./record-error-identity";

describe("groupReason", () => {
  it("takes the values out, so rows with the same problem share one group", () => {
    const a = groupReason("value '+44 20 7946 0007' in column phone is not a valid phone number");
    const b = groupReason("value '07700 900123' in column phone is not a valid phone number");
    expect(a).toBe("value '…' in column phone is not a valid phone number");
    expect(b).toBe(a);
  });

  it("keeps apostrophes inside a value within the value, and column names with digits intact", () => {
    expect(groupReason("value 'O'Brien' in column address_2 is not a number")).toBe("value '…' in column address_2 is not a number");
  });

  it("replaces numbers and double-quoted text", () => {
    expect(groupReason("record is 40211 bytes, over Customer.io's limit of 32000 bytes per record")).toBe("record is N bytes, over Customer.io's limit of N bytes per record");
    expect(groupReason('the destination said "Phone +4420 is invalid" (code 512)')).toBe('the destination said "…" (code N)');
    expect(groupReason("duplicate sync key '42' in column id: the first row with this key (row 7) was synced")).toBe(
      "duplicate sync key '…' in column id: the first row with this key (row N) was synced",
    );
  });
});

describe("describeRowValues", () => {
  it("lists a few non-empty columns other than the key", () => {
    expect(describeRowValues({ id: null, email: "a@example.com", name: "", phone: "+1 555", city: "Oslo", plan: "pro", age: 30 }, "id")).toBe(
      "email='a@example.com', phone='+1 555', city='Oslo', plan='pro'",
    );
    expect(describeRowValues({ id: null }, "id")).toBe("(every other column is empty)");
  });
});
