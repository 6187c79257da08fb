/** Why a password is too weak, or null when it is acceptable. */
export function describeWeakPassword(password: string, email?: string): string | null {
  if (password.length < 10) return "Use at least 10 characters.";
  if (password.length > 200) return "Use at most 200 characters.";
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((r) => r.test(password)).length;
  if (classes < 2) return "Mix at least two of: lower-case letters, upper-case letters, digits, symbols.";
  const localPart = email?.split("@")[0]?.toLowerCase() ?? "";
  if (localPart.length >= 4 && password.toLowerCase().includes(localPart)) return "Do not use your email name in the password.";
  return null;
}
