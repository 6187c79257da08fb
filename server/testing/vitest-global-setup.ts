// One temporary root for every test process's data folder, removed when the run ends.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export default function setup() {
  const root = mkdtempSync(join(tmpdir(), "tidewater-tests-"));
  process.env.TIDEWATER_TEST_ROOT = root;
  return () => rmSync(root, { recursive: true, force: true });
}
