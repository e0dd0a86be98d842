/** Typed errors of `meshbridge install` (codes from the catalogue, src/api/codes.ts). */
import type { Code } from '../api/index.js';

/** A flag `install` cannot turn into valid manifests; the message names the flag. */
export class InstallError extends Error {
  constructor(
    readonly code: Extract<Code, `MB12${string}`>,
    message: string,
  ) {
    super(message);
    this.name = 'InstallError';
  }
}
