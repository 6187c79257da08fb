/**
 * The messages the sign-in page shows for an `?error=` code. The page never prints the parameter itself:
 * a link could otherwise put any sentence ("Your account is locked, call …") on our own sign-in page.
 */
const SIGN_IN_ERRORS: Record<string, string> = {
  EmailNotVerified: "Your email is not verified with this provider. Verify it there, then sign in again.",
  OAuthAccountNotLinked: "This email already belongs to an account that signs in another way. Sign in that way first.",
  AccessDenied: "Sign-in was refused.",
  OAuthSignin: "Could not start signing in with the provider. Try again.",
  OAuthCallback: "The provider's answer could not be used. Try again.",
  Callback: "Could not finish signing in. Try again.",
  SessionRequired: "Sign in to continue.",
};

export const EMAIL_NOT_VERIFIED = "EmailNotVerified";

/** The message for a code next-auth (or our signIn callback) put in the URL; null for none. */
export function describeSignInError(code: string | undefined): string | null {
  if (!code || code === "CredentialsSignin") return null;
  return SIGN_IN_ERRORS[code] ?? "Sign-in failed. Try again.";
}
