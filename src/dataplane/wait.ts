/** Small async helper shared by the proxy assemblies. */

/** Resolves true once `pred()` holds (polled, after the runtime applied the update), false at the deadline. */
export async function waitFor(pred: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  // The runtime applies updates on the tick after the client accepts them.
  await new Promise((r) => setImmediate(r));
  return true;
}
