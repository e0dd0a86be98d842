/**
 * Entry of the curl image: a pod that only stays alive (like `sleep infinity`) so `exec` has somewhere to run
 * the host's commands with the pod's environment. Exits 0 on SIGTERM/SIGINT.
 */
// A long interval keeps the event loop alive without waking the process.
const keepAlive = setInterval(() => undefined, 2 ** 31 - 1);
const stop = (): void => {
  clearInterval(keepAlive);
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
process.stdout.write(`sleep pod ${process.env.POD_NAME ?? ''} running\n`);
