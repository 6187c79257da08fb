import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

/** Prefixed, time-ordered ids (`ws_…`, `conn_…`, `run_…`) so logs say what an id is. */
export function createId(prefix: "usr" | "ws" | "mem" | "inv" | "tok" | "aud" | "conn" | "sync" | "run" | "rev" | "alp" | "alc" | "ald"): string {
  const time = Date.now().toString(36).padStart(9, "0");
  const bytes = randomBytes(12);
  let rand = "";
  for (const b of bytes) rand += ALPHABET[b % 36];
  return `${prefix}_${time}${rand}`;
}
