/** Paths tests share: the repository root and the read-only `../shared` folder beside it. */
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const SHARED = resolve(REPO_ROOT, '..', 'shared');
export const FIXTURES = resolve(SHARED, 'fixtures');
