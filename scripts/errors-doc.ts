// Rewrites the codes table of docs/errors.md from the catalogue (src/api/codes.ts). Usage: npm run docs:errors
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { withCodesTable } from '../src/api/codes-table.js';

const file = fileURLToPath(new URL('../docs/errors.md', import.meta.url));
const before = readFileSync(file, 'utf8');
const after = withCodesTable(before);
if (after !== before) writeFileSync(file, after);
console.log(after === before ? 'docs/errors.md is up to date' : 'docs/errors.md: codes table rewritten');
