/**
 * `meshbridge validate -f FILE... [-o json]`: parses and validates the documents of every file as one set.
 * Exit 0 when there is no error (warnings are printed), 1 when there are errors (each located at file:line:col),
 * 2 for usage errors (no -f, a file that cannot be read, an unknown output format).
 */
import { openSync, readSync, closeSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { formatIssue, PARSE_LIMITS, validateSources, type LocatedIssue, type Source } from '../../api/index.js';

/** Thrown for problems with how the command was called; mapped to exit code 2. */
class UsageError extends Error {}

const MANIFEST = /\.(ya?ml|json)$/i;

/** Reads at most `limit + 1` bytes, so an oversized file is refused without being loaded whole. */
function readBounded(path: string, limit: number): string {
  const size = statSync(path).size;
  if (size <= limit) return readFileSync(path, 'utf8');
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(limit + 1);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

function readStdin(limit: number): string {
  const chunks: Buffer[] = [];
  let total = 0;
  const buf = Buffer.alloc(65536);
  for (;;) {
    let n: number;
    try {
      n = readSync(0, buf, 0, buf.length, null);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EAGAIN') continue;
      if ((err as NodeJS.ErrnoException).code === 'EOF') break;
      throw err;
    }
    if (n === 0) break;
    chunks.push(Buffer.from(buf.subarray(0, n)));
    total += n;
    if (total > limit) break;
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Expands `-f` arguments: files as given, directories to their .yaml/.yml/.json files, `-` to stdin. */
function loadSources(files: readonly string[], limit: number): Source[] {
  const out: Source[] = [];
  for (const file of files) {
    if (file === '-') {
      out.push({ file: '<stdin>', text: readStdin(limit) });
      continue;
    }
    let isDir: boolean;
    try {
      isDir = statSync(file).isDirectory();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new UsageError(
        `cannot read ${file}: ${code === 'ENOENT' ? 'no such file or directory' : String(code ?? err)}`,
      );
    }
    const paths = isDir
      ? readdirSync(file)
          .filter((n) => MANIFEST.test(n))
          .sort()
          .map((n) => join(file, n))
      : [file];
    for (const path of paths) {
      try {
        out.push({ file: path, text: readBounded(path, limit) });
      } catch (err) {
        throw new UsageError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
      }
    }
  }
  return out;
}

interface ValidateOptions {
  file?: string[];
  output?: string;
}

function run(opts: ValidateOptions): number {
  if (!opts.file || opts.file.length === 0) throw new UsageError('no input: give at least one -f FILE');
  const output = opts.output ?? 'text';
  if (output !== 'text' && output !== 'json') throw new UsageError(`unknown output format ${output}: use -o json`);
  const sources = loadSources(opts.file, PARSE_LIMITS.maxBytes);
  const set = validateSources(sources);
  if (output === 'json') {
    const documents = set.results.map(({ document, result }) => {
      const obj = document.object as { kind?: unknown; metadata?: { name?: unknown } } | null;
      return {
        file: document.file,
        index: document.index,
        ...(document.item !== undefined ? { item: document.item } : {}),
        kind: typeof obj?.kind === 'string' ? obj.kind : undefined,
        name: typeof obj?.metadata?.name === 'string' ? obj.metadata.name : undefined,
        ok: result.ok,
      };
    });
    process.stdout.write(
      `${JSON.stringify({ ok: set.ok, documents, errors: set.errors, warnings: set.warnings }, null, 2)}\n`,
    );
  } else {
    const lines = (issues: LocatedIssue[]) => issues.map((i) => `${formatIssue(i)}\n`).join('');
    process.stdout.write(lines(set.errors) + lines(set.warnings));
    const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
    const summary = `${plural(set.results.length, 'document')} in ${plural(sources.length, 'file')}: ${plural(set.errors.length, 'error')}, ${plural(set.warnings.length, 'warning')}`;
    process.stdout.write(`${set.ok ? 'valid' : 'invalid'}: ${summary}\n`);
  }
  return set.ok ? 0 : 1;
}

/** Registers `validate`. */
export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check manifests offline: every problem with file:line:column, a code and the field path')
    .option('-f, --file <file...>', 'file, directory (its .yaml/.yml/.json files) or - for stdin; repeatable')
    .option('-o, --output <format>', 'json for machines (default: one line per problem)')
    .action((opts: ValidateOptions) => {
      try {
        process.exitCode = run(opts);
      } catch (err) {
        if (!(err instanceof UsageError)) throw err;
        process.stderr.write(`meshbridge validate: ${err.message} (see meshbridge validate --help)\n`);
        process.exitCode = 2;
      }
    });
}
