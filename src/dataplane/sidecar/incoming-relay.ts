/**
 * Node's response to an attempt made through attempt.ts (an mTLS upstream), seen as the fast path's
 * {@link RelayedResponse}: Node has already decoded its body, so a body without a declared length is relayed as bytes
 * of unknown length (the fast path's writer chunks them again).
 */
import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { HeaderPair } from '../http1/head.js';
import type { RelayedResponse } from './fast-attempt.js';

export class IncomingRelay implements RelayedResponse {
  readonly headerPairs: readonly HeaderPair[];

  constructor(private readonly res: IncomingMessage) {
    const pairs: HeaderPair[] = [];
    const raw = res.rawHeaders;
    for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([(raw[i] as string).toLowerCase(), raw[i + 1] as string]);
    this.headerPairs = pairs;
  }

  get statusCode(): number {
    return this.res.statusCode ?? 502;
  }

  get reason(): string {
    return this.res.statusMessage || STATUS_CODES[this.statusCode] || '';
  }

  get bodyFraming(): RelayedResponse['bodyFraming'] {
    // Node decoded chunked coding; a length it read is the length of what it passes on.
    return this.res.headers['content-length'] !== undefined && this.res.headers['transfer-encoding'] === undefined
      ? 'length'
      : 'unknown';
  }

  header(name: string): string | undefined {
    const v = this.res.headers[name];
    return Array.isArray(v) ? v[0] : v;
  }

  relay(write: (chunk: Buffer) => boolean, resumeOn: (go: () => void) => void, done: (ok: boolean) => void): void {
    const res = this.res;
    let settled = false;
    const finish = (ok: boolean): void => {
      if (settled) return;
      settled = true;
      done(ok);
    };
    res.on('data', (chunk: Buffer) => {
      if (!write(chunk)) {
        res.pause();
        resumeOn(() => res.resume());
      }
    });
    res.on('end', () => finish(true));
    res.on('error', () => finish(false));
    res.on('close', () => finish(res.complete));
  }

  resume(): void {
    this.res.resume();
  }

  destroy(): void {
    this.res.destroy();
  }
}
