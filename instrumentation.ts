/** Next.js calls register() once per server process at boot. */
export async function register() {
  // Next.js inlines NEXT_RUNTIME per bundle, so the Node-only runner is left out of the edge bundle.
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { applyMemoryPolicy } = await import("~/server/lib/memory-policy");
  applyMemoryPolicy();
  const { installClientAddressStamp } = await import("~/server/lib/client-address");
  await installClientAddressStamp();
  const { startEmbeddedRunner } = await import("~/server/jobs/local/start-embedded-runner");
  startEmbeddedRunner();
}
