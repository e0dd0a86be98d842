/**
 * The management plane's pino logger. Authorization headers, cookies and any `token` field are redacted, and
 * request logs carry method, URL and status only (never bodies), so no secret reaches a log line.
 */
import pino from 'pino';
import type { DestinationStream, Logger } from 'pino';

/** Paths pino removes from every log record. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'authorization',
  'token',
  '*.token',
  'password',
  '*.password',
];

/** A URL as logged: the value of a `code` query parameter (a one-time sign-in code) is replaced. */
export function redactUrl(url: string): string {
  return url.replace(/([?&]code=)[^&#]*/gi, '$1[redacted]');
}

/** Options for the logger. */
export interface LoggerOptions {
  level?: string;
  /** Where records go (stdout by default); tests pass a capturing stream. */
  destination?: DestinationStream;
}

/** Creates the logger. */
export function createLogger(opts: LoggerOptions = {}): Logger {
  return pino(
    {
      level: opts.level ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { svc: 'mgmt' },
      serializers: {
        // Replaces fastify's request serializer: method and URL only, with a sign-in code masked.
        req: (req: { method?: string; url?: string }) => ({ method: req.method, url: redactUrl(req.url ?? '') }),
      },
    },
    opts.destination ?? pino.destination(1),
  );
}
