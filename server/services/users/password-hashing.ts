import { createRequire } from "node:module";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import bcrypt from "bcryptjs";

const BCRYPT_ROUNDS = 12;
/**
 * bcrypt is CPU work by design. bcryptjs is plain JavaScript, so on the server's own thread a storm of
 * sign-ins or sign-ups would starve every other request (health checks took seconds). Hashes therefore
 * run on worker threads, at most this many at once; further requests wait their turn.
 */
const MAX_CONCURRENT_HASHES = 2;

type Job = { op: "hash"; password: string; rounds: number } | { op: "compare"; password: string; hash: string };

const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const bcrypt = require(workerData.bcryptPath);
parentPort.on("message", (job) => {
  try {
    const result = job.op === "hash" ? bcrypt.hashSync(job.password, job.rounds) : bcrypt.compareSync(job.password, job.hash);
    parentPort.postMessage({ result });
  } catch (error) {
    parentPort.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
});`;

let running = 0;
const waiting: (() => void)[] = [];
const idleWorkers: Worker[] = [];
let bcryptPath: string | null | undefined;

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

/** Where bcryptjs lives for a worker to require, or null when it cannot be found (then hashing stays on this thread). */
function resolveBcrypt(): string | null {
  if (bcryptPath === undefined) {
    try {
      bcryptPath = createRequire(join(process.cwd(), "package.json")).resolve("bcryptjs");
    } catch {
      bcryptPath = null;
    }
  }
  return bcryptPath;
}

function runInWorker<T>(job: Job, path: string): Promise<T> {
  const worker = idleWorkers.pop() ?? new Worker(WORKER_SOURCE, { eval: true, workerData: { bcryptPath: path } });
  // A busy worker keeps the process alive (a CLI awaiting a hash); an idle one must not.
  worker.ref();
  return new Promise<T>((resolve, reject) => {
    const onMessage = (message: { result?: T; error?: string }) => {
      worker.off("error", onError);
      worker.unref();
      idleWorkers.push(worker);
      if (message.error !== undefined) reject(new Error(message.error));
      else resolve(message.result as T);
    };
    const onError = (error: Error) => {
      worker.off("message", onMessage);
      void worker.terminate();
      reject(error);
    };
    worker.once("message", onMessage);
    worker.once("error", onError);
    worker.postMessage(job);
  });
}

function run<T>(job: Job): Promise<T> {
  return withHashSlot(() => {
    const path = resolveBcrypt();
    if (path) return runInWorker<T>(job, path);
    return (job.op === "hash" ? bcrypt.hash(job.password, job.rounds) : bcrypt.compare(job.password, job.hash)) as Promise<T>;
  });
}

export function hashPassword(password: string): Promise<string> {
  return run<string>({ op: "hash", password, rounds: BCRYPT_ROUNDS });
}

export function checkPassword(password: string, hash: string): Promise<boolean> {
  return run<boolean>({ op: "compare", password, hash });
}
