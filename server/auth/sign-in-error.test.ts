import { describe, expect, it } from "vitest";
import { describeSignInError, EMAIL_NOT_VERIFIED } from "./sign-in-error";

describe("sign-in page errors", () => {
  it("shows our own sentence for known codes and nothing for a plain wrong password", () => {
    expect(describeSignInError(EMAIL_NOT_VERIFIED)).toBe("Your email is not verified with this provider. Verify it there, then sign in again.");
    expect(describeSignInError("CredentialsSignin")).toBeNull();
    expect(describeSignInError(undefined)).toBeNull();
  });

  it("never prints the parameter a link put in the URL", () => {
    const injected = "Your account is locked. Call +1 555 0100 to unlock it.";
    expect(describeSignInError(injected)).toBe("Sign-in failed. Try again.");
    expect(describeSignInError("<b>bold</b>")).not.toContain("<b>");
  });
});
