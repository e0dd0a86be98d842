/**
 * A minimal raw delta ADS client for tests (`DeltaAggregatedResources`): sends DeltaDiscoveryRequests and queues
 * responses with their resources decoded, so protocol tests can script subscriptions, ACKs, NACKs and reconnects.
 */
import type { Client } from '@grpc/grpc-js';
import { credentials, makeGenericClientConstructor, Metadata, type ClientDuplexStream } from '@grpc/grpc-js';
import {
  adsServiceDefinition,
  AS_TRANSLATED,
  decodeAny,
  type DeltaDiscoveryRequest,
  type DeltaDiscoveryResponse,
} from '../../src/xds/index.js';

/** A delta response with its resources decoded. */
export interface DecodedDeltaResponse {
  readonly nonce: string;
  readonly type_url: string;
  readonly system_version_info: string;
  /** name -> {version, decoded resource}. */
  readonly resources: ReadonlyMap<string, { version: string; resource: Record<string, unknown> }>;
  readonly removed: readonly string[];
}

/** One delta ADS stream. */
export class RawDeltaClient {
  private readonly client: Client;
  private readonly call: ClientDuplexStream<DeltaDiscoveryRequest, DeltaDiscoveryResponse>;
  private readonly queue: DecodedDeltaResponse[] = [];
  private waiters: (() => void)[] = [];
  ended: Error | undefined;

  constructor(address: string, metadata: Metadata = new Metadata()) {
    const Ctor = makeGenericClientConstructor(adsServiceDefinition(), 'AggregatedDiscoveryService');
    this.client = new Ctor(address, credentials.createInsecure());
    type Open = (m: Metadata) => ClientDuplexStream<DeltaDiscoveryRequest, DeltaDiscoveryResponse>;
    const method = (this.client as unknown as Record<string, Open>)['DeltaAggregatedResources'] as Open;
    this.call = method.call(this.client, metadata);
    this.call.on('data', (r: DeltaDiscoveryResponse) => {
      const resources = new Map<string, { version: string; resource: Record<string, unknown> }>();
      for (const x of r.resources ?? []) {
        if (!x.name || !x.resource) throw new Error('delta resource without name or resource');
        resources.set(x.name, { version: x.version ?? '', resource: decodeAny(x.resource, AS_TRANSLATED) });
      }
      this.queue.push({
        nonce: r.nonce,
        type_url: r.type_url,
        system_version_info: r.system_version_info ?? '',
        resources,
        removed: r.removed_resources ?? [],
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

  send(req: DeltaDiscoveryRequest): void {
    this.call.write(req);
  }

  /** ACKs a response. */
  ack(r: DecodedDeltaResponse): void {
    this.send({ type_url: r.type_url, response_nonce: r.nonce });
  }

  /** The next response (waits up to `timeoutMs`). */
  async next(timeoutMs = 3000): Promise<DecodedDeltaResponse> {
    const deadline = Date.now() + timeoutMs;
    while (this.queue.length === 0) {
      if (this.ended) throw this.ended;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('no DeltaDiscoveryResponse within timeout');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.queue.shift() as DecodedDeltaResponse;
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
