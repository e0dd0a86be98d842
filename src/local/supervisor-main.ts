/**
 * Entry of a home's supervisor (lifecycle/supervisor.ts): `node dist/local/supervisor-main.js <home>`. Restarts the
 * home's crashed cluster and control processes; exits on SIGTERM/SIGINT, or by itself once the home is gone.
 */
import { resolve } from 'node:path';
import { OWNER_HOME_ENV } from './lifecycle/processes.js';
import { OWNER_ONLY_UMASK } from './lifecycle/permissions.js';
import { homeExists } from './lifecycle/supervisor.js';
import { SupervisorLoop } from './lifecycle/supervisor-loop.js';

process.umask(OWNER_ONLY_UMASK);
const home = resolve(process.argv[2] ?? '.meshbridge');
const log = (line: string): void => void process.stdout.write(`${new Date().toISOString()} ${line}\n`);
// Restarted processes get this process's environment without its own marker (spawnDetached sets theirs).
const env = { ...process.env };
delete env[OWNER_HOME_ENV];
const loop = new SupervisorLoop({ home, env, log });
loop.start();
log(`supervising ${home}`);
const gone = setInterval(() => {
  if (homeExists(home)) return;
  log(`${home} is gone; exiting`);
  process.exit(0);
}, 1000);
const shutdown = (): void => {
  loop.stop();
  clearInterval(gone);
  process.exit(0);
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
