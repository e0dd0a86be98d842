/**
 * A CRD's `additionalPrinterColumns`, evaluated as kube-apiserver does for `kubectl get` of custom resources: a
 * column's `jsonPath` (Kubernetes' JSONPath, `.status.conditions[?(@.type=="Ready")].status`) is read from each
 * object with jsonpath-plus (in its safe mode: filter expressions are interpreted, never run as code); `date`
 * columns print as an age (`5m`), numbers and booleans as themselves, several matches joined with commas, no match
 * as an empty cell. Without columns a custom kind shows NAME and AGE, as Kubernetes' default.
 */
import { JSONPath } from 'jsonpath-plus';

/** One printer column of a CRD version. */
export interface PrinterColumn {
  readonly name: string;
  readonly type: string;
  readonly jsonPath: string;
  readonly priority?: number;
  readonly format?: string;
}

/** Longest jsonPath evaluated (the CRD's own schema bounds nothing here). */
const MAX_PATH = 512;

/** The printer columns of a CRD version's spec (invalid entries left out). */
export function printerColumnsOf(version: Record<string, unknown>): PrinterColumn[] {
  const list = Array.isArray(version.additionalPrinterColumns) ? version.additionalPrinterColumns : [];
  return list.flatMap((c: unknown) => {
    if (typeof c !== 'object' || c === null) return [];
    const col = c as Record<string, unknown>;
    if (typeof col.name !== 'string' || typeof col.jsonPath !== 'string' || col.jsonPath.length > MAX_PATH) return [];
    return [
      {
        name: col.name,
        type: typeof col.type === 'string' ? col.type : 'string',
        jsonPath: col.jsonPath,
        ...(typeof col.priority === 'number' ? { priority: col.priority } : {}),
        ...(typeof col.format === 'string' ? { format: col.format } : {}),
      },
    ];
  });
}

/** The cell of one column for one object; `age` turns a timestamp into kubectl's age text. */
export function printerCell(
  column: PrinterColumn,
  obj: unknown,
  age: (ms: number) => string,
  now: number,
): string | number | boolean {
  let values: unknown[];
  try {
    const path = column.jsonPath.startsWith('$') ? column.jsonPath : `$${column.jsonPath}`;
    values = JSONPath({ path, json: obj as object, wrap: true, eval: 'safe' }) as unknown[];
  } catch {
    return '';
  }
  if (values.length === 0) return column.type === 'date' ? '<unknown>' : '';
  if (column.type === 'date') {
    const at = Date.parse(String(values[0]));
    return Number.isNaN(at) ? '<invalid>' : age(Math.max(0, now - at));
  }
  const [only] = values;
  if (values.length === 1 && (typeof only === 'number' || typeof only === 'boolean')) return only;
  return values.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join(',');
}
