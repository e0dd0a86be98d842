/** Paths tests share: the repository root and the project's own example manifests. */
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** `examples/bookinfo`: the manifests `npm start` and the README's walkthrough apply. */
export const EXAMPLES = resolve(REPO_ROOT, 'examples', 'bookinfo');
