/** What every management-plane operation needs: the store, the long-poll notifier and the caller. */
import type { Principal } from '../auth/roles.js';
import type { Store } from '../store/types.js';
import type { AuditOutcome } from '../store/types.js';
import { MgmtError } from '../errors.js';
import type { RevisionNotifier } from './notifier.js';
import type { MgmtLimits } from '../limits/settings.js';
import type { SignIn } from '../auth/sign-in.js';

/** Dependencies of the services (built once by the server). */
export interface MgmtDeps {
  store: Store;
  notifier: RevisionNotifier;
  /** Body and per-organization limits (DEFAULT_LIMITS when omitted). */
  limits?: MgmtLimits;
  /** One-time sign-in codes and browser sessions (a fresh table when omitted). */
  signIn?: SignIn;
}

/** One call: the dependencies plus the authenticated caller. */
export interface CallContext extends MgmtDeps {
  principal: Principal;
}

/** The audit outcome for an error a mutation ended with. */
export function outcomeOf(err: unknown): AuditOutcome {
  if (!(err instanceof MgmtError)) return 'error';
  if (err.code === 'MB9002') return 'denied';
  if (err.code === 'MB9001') return 'unauthenticated';
  return 'rejected';
}

/** Error detail for an audit record: code and message only (never request content beyond refs). */
export function auditDetailOf(err: unknown): string {
  return err instanceof MgmtError ? `${err.code}: ${err.message}` : 'internal error';
}

/**
 * Writes the one audit record of a mutation that failed (outside its transaction, which rolled back), then
 * rethrows: every mutation is audited exactly once, success or not.
 */
export async function auditFailureAndThrow(
  ctx: MgmtDeps,
  audit: { actor: string; action: string; target: string },
  err: unknown,
): Promise<never> {
  await ctx.store.audit({
    ...audit,
    at: new Date().toISOString(),
    outcome: outcomeOf(err),
    detail: auditDetailOf(err),
  });
  throw err;
}
