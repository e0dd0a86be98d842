/** The one-line text form of a located issue, like `istioctl analyze` prints. */
import type { LocatedIssue } from './issues.js';

/**
 * `file:line:col severity [code] Kind/name: path: message`; the `Kind/name: ` and `path: ` parts are left out when
 * unknown or empty.
 */
export function formatIssue(issue: LocatedIssue): string {
  const who = issue.kind !== undefined ? `${issue.kind}/${issue.name ?? '<unnamed>'}: ` : '';
  const path = issue.path !== '' ? `${issue.path}: ` : '';
  return `${issue.file}:${issue.line}:${issue.column} ${issue.severity} [${issue.code}] ${who}${path}${issue.message}`;
}
