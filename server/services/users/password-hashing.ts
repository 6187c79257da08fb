import bcrypt from "bcryptjs";

const BCRYPT_ROUNDS = 12;
/**
 * bcrypt runs on the server's event loop (bcryptjs is plain JavaScript, in ~100 ms slices), so a storm of
 * sign-in or sign-up requests would starve every other request. At most this many hash operations run
 * at once; the rest wait their turn.
 */
const MAX_CONCURRENT_HASHES = 2;

let running = 0;
const waiting: (() => void)[] = [];

async function withHashSlot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= MAX_CONCURRENT_HASHES) await new Promise<void>((resolve) => waiting.push(resolve));
  else running++;
  try {
    return await work();
  } finally {
    // Hand the slot straight to the next waiter, so `running` never dips and lets a newcomer jump the queue.
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

export function hashPassword(password: string): Promise<string> {
  return withHashSlot(() => bcrypt.hash(password, BCRYPT_ROUNDS));
}

export function checkPassword(password: string, hash: string): Promise<boolean> {
  return withHashSlot(() => bcrypt.compare(password, hash));
}
