/**
 * The `meshbridge` command. Each command lives in its own module under `commands/` and registers itself on the
 * program; this file only wires them together and maps failures to exit codes.
 */
import { buildProgram } from './program.js';

try {
  await buildProgram().parseAsync(process.argv);
} catch (err) {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`meshbridge: ${message}\n`);
  process.exitCode = process.exitCode && process.exitCode !== 0 ? process.exitCode : 1;
}
