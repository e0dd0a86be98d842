/**
 * A minimal raw ADS client for tests: sends DiscoveryRequests and queues DiscoveryResponses (resources decoded),
 * so protocol tests can script ACKs, NACKs and subscription changes exactly.
 */
import type { Client } from '@grpc/grpc-js';
import { credentials, makeGenericClientConstructor, Metadata, type ClientDuplexStream } from '@grpc/grpc-js';
import {
  adsServiceDefinition,
  AS_TRANSLATED,
  decodeAny,
  type DiscoveryRequest,
  type DiscoveryResponse,
} from '../../src/xds/index.js';

/** A response with its resources decoded. */
export interface DecodedResponse {
  readonly version_info: string;
  readonly nonce: string;
  readonly type_url: string;
  readonly resources: Record<string, unknown>[];
}

/** One ADS stream. */
export class RawAdsClient {
  private readonly client: Client;
  private readonly call: ClientDuplexStream<DiscoveryRequest, DiscoveryResponse>;
  private readonly queue: DecodedResponse[] = [];
  private waiters: (() => void)[] = [];
  ended: Error | undefined;

  /** `metadata` goes with the stream (e.g. `authorization` for a server that requires a token). */
  constructor(address: string, metadata: Metadata = new Metadata()) {
    const Ctor = makeGenericClientConstructor(adsServiceDefinition(), 'AggregatedDiscoveryService');
    this.client = new Ctor(address, credentials.createInsecure());
    const method = (
      this.client as unknown as Record<string, (m: Metadata) => ClientDuplexStream<DiscoveryRequest, DiscoveryResponse>>
    )['StreamAggregatedResources'] as (m: Metadata) => ClientDuplexStream<DiscoveryRequest, DiscoveryResponse>;
    this.call = method.call(this.client, metadata);
    this.call.on('data', (r: DiscoveryResponse) => {
      this.queue.push({
        version_info: r.version_info,
        nonce: r.nonce,
        type_url: r.type_url,
        resources: (r.resources ?? []).map((a) => decodeAny(a, AS_TRANSLATED)),
      });
      this.wake();
    });
    this.call.on('error', (e: Error) => {
      this.ended = e;
      this.wake();
    });
  }

  private wake() {
    const w = this.waiters;
    this.waiters = [];
    w.forEach((f) => f());
  }

  send(req: DiscoveryRequest): void {
    this.call.write(req);
  }

  /** The next response (waits up to `timeoutMs`). */
  async next(timeoutMs = 3000): Promise<DecodedResponse> {
    const deadline = Date.now() + timeoutMs;
    while (this.queue.length === 0) {
      if (this.ended) throw this.ended;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('no DiscoveryResponse within timeout');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.queue.shift() as DecodedResponse;
  }

  /** Resolves true when no response arrives within `ms`. */
  async quietFor(ms: number): Promise<boolean> {
    await new Promise((r) => setTimeout(r, ms));
    return this.queue.length === 0;
  }

  close(): void {
    this.call.cancel();
    this.client.close();
  }
}
