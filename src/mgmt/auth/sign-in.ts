/**
 * One-time sign-in for the web UI, as Jupyter does it: `local up` asks the management plane for a code and prints
 * a URL carrying it; opening the URL exchanges the code for a browser session (an HttpOnly, Secure,
 * SameSite=Strict cookie) and redirects to the UI without the code. A code is random (256 bits), works once, and
 * expires after a few minutes; only its SHA-256 hash is kept. Sessions carry a CSRF secret that every
 * cookie-authenticated write must echo in a header. Codes and sessions live in the store (store/sign-in-sql.ts):
 * replicas over one PostgreSQL database share them, a restart signs nobody out, and the table is bounded (expired
 * entries and then the oldest go first).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Principal } from './roles.js';
import type { Store } from '../store/types.js';

/** Settings of the sign-in table. */
export interface SignInOptions {
  /** How long a code stays valid (default 5 minutes). */
  codeTtlMs?: number;
  /** How long a session lasts (default 12 hours). */
  sessionTtlMs?: number;
  /** Most unredeemed codes kept (default 100). */
  maxCodes?: number;
  /** Most sessions kept (default 1,000). */
  maxSessions?: number;
  /** Clock, for tests of expiry. */
  now?: () => number;
}

/** A browser session. */
export interface Session {
  principal: Principal;
  /** The value a write must carry in the CSRF header. */
  csrf: string;
  expiresAt: number;
}

/** The cookie that carries the session id (`__Host-`: Secure, Path=/, no Domain, so no other site may set it). */
export const SESSION_COOKIE = '__Host-mb-session';
/** The header a cookie-authenticated write must carry, holding the session's CSRF secret. */
export const CSRF_HEADER = 'x-meshbridge-csrf';

const hash = (secret: string): string => createHash('sha256').update(secret).digest('hex');
const secret = (): string => randomBytes(32).toString('base64url');

/** Sign-in codes and browser sessions, kept in the store. */
export class SignIn {
  private readonly o: Readonly<Required<SignInOptions>>;

  constructor(
    private readonly store: Pick<Store, 'putSignIn' | 'takeSignIn' | 'getSignIn' | 'deleteSignIn'>,
    options: SignInOptions = {},
  ) {
    this.o = Object.freeze({
      codeTtlMs: 5 * 60_000,
      sessionTtlMs: 12 * 3600_000,
      maxCodes: 100,
      maxSessions: 1000,
      now: Date.now,
      ...options,
    });
  }

  /** A new one-time code that signs in as `principal`, and when it expires. */
  async issueCode(principal: Principal): Promise<{ code: string; expiresAt: Date }> {
    const code = secret();
    const now = this.o.now();
    const expiresAt = now + this.o.codeTtlMs;
    await this.store.putSignIn(
      { kind: 'code', hash: hash(code), principal, csrf: '', expiresAt, createdAt: now },
      this.o.maxCodes,
    );
    return { code, expiresAt: new Date(expiresAt) };
  }

  /**
   * Redeems a code: the new session's id and CSRF secret, or undefined when the code is unknown, already used or
   * expired. A code is consumed by the first attempt whatever its outcome, on whichever replica.
   */
  async redeem(code: string): Promise<{ id: string; session: Session } | undefined> {
    const entry = await this.store.takeSignIn('code', hash(code));
    const now = this.o.now();
    if (entry === undefined || entry.expiresAt <= now) return undefined;
    const id = secret();
    const session: Session = { principal: entry.principal, csrf: secret(), expiresAt: now + this.o.sessionTtlMs };
    await this.store.putSignIn(
      {
        kind: 'session',
        hash: hash(id),
        principal: session.principal,
        csrf: session.csrf,
        expiresAt: session.expiresAt,
        createdAt: now,
      },
      this.o.maxSessions,
    );
    return { id, session };
  }

  /** The live session with this id, or undefined (an expired one is removed). */
  async session(id: string): Promise<Session | undefined> {
    const key = hash(id);
    const s = await this.store.getSignIn('session', key);
    if (s === undefined) return undefined;
    if (s.expiresAt <= this.o.now()) {
      await this.store.deleteSignIn('session', key);
      return undefined;
    }
    return { principal: s.principal, csrf: s.csrf, expiresAt: s.expiresAt };
  }

  /** Seconds a session cookie should live. */
  get sessionMaxAgeSeconds(): number {
    return Math.floor(this.o.sessionTtlMs / 1000);
  }
}

/** Whether `presented` equals the session's CSRF secret (constant time). */
export function csrfMatches(session: Session, presented: unknown): boolean {
  if (typeof presented !== 'string') return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(session.csrf);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The value of cookie `name` in a Cookie header, or undefined. Reads at most 50 cookies. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';', 50)) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
