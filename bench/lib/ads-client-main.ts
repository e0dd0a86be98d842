/**
 * A process of light ADS clients for the scale benchmark (started by ads-client-process.ts with `fork`). Each
 * client subscribes like a sidecar (CDS and LDS wildcard, EDS for every service, RDS `outbound`), reads only the
 * envelope of each response (light-ads.ts) and ACKs it. Times are `process.hrtime.bigint()`: CLOCK_MONOTONIC,
 * shared by every process of the machine, so the parent can subtract its own timestamps from them.
 */
import { credentials, makeGenericClientConstructor, type Client, type ClientDuplexStream } from '@grpc/grpc-js';
import { adsServiceDefinition, TYPE_URLS } from '../../src/xds/index.js';
import { decodeEnvelope, type Envelope } from './light-ads.js';
import { nodeId, type ClientRequest, type ClientReply } from './ads-client-process.js';
import { serve } from './child-rpc.js';

const NS = 'bench';
const clusterName = (i: number) => `outbound|9080||svc-${i}.${NS}.svc.cluster.local`;

type Protocol = 'sotw' | 'delta';

/** The ADS service with requests encoded as the project's client does and responses read as envelopes only. */
function lightDefinition(protocol: Protocol) {
  const full = adsServiceDefinition();
  const method = protocol === 'delta' ? 'DeltaAggregatedResources' : 'StreamAggregatedResources';
  const m = full[method];
  if (!m) throw new Error(`the ADS definition has no ${method}`);
  return { [method]: { ...m, responseDeserialize: (b: Buffer) => decodeEnvelope(b, protocol) } };
}

class LightProxy {
  readonly types = new Set<string>();
  lastEdsNs = 0n;
  private readonly client: Client;
  private readonly call: ClientDuplexStream<object, Envelope>;

  constructor(address: string, id: number, services: number, protocol: Protocol) {
    const Ctor = makeGenericClientConstructor(lightDefinition(protocol), 'ADS');
    // Envoy's default HTTP/2 windows are 256 MiB per stream; grpc-js's are 64 KiB, which made each megabyte of a
    // first response wait for a dozen window updates.
    this.client = new Ctor(address, credentials.createInsecure(), {
      'grpc-node.flow_control_window': 8 * 1024 * 1024,
    });
    type Open = () => ClientDuplexStream<object, Envelope>;
    const method = protocol === 'delta' ? 'DeltaAggregatedResources' : 'StreamAggregatedResources';
    this.call = ((this.client as unknown as Record<string, Open>)[method] as Open).call(this.client);
    const names: Record<string, string[]> = {
      [TYPE_URLS.cluster]: [],
      [TYPE_URLS.endpoint]: Array.from({ length: services }, (_, i) => clusterName(i)),
      [TYPE_URLS.listener]: [],
      [TYPE_URLS.route]: ['outbound'],
    };
    const node = {
      id: nodeId(id),
      locality: { region: 'r1' },
    };
    this.call.on('data', (r: Envelope) => {
      if (r.typeUrl === TYPE_URLS.endpoint) this.lastEdsNs = process.hrtime.bigint();
      this.types.add(r.typeUrl);
      this.call.write(
        protocol === 'delta'
          ? { type_url: r.typeUrl, response_nonce: r.nonce }
          : { type_url: r.typeUrl, version_info: r.version, response_nonce: r.nonce, resource_names: names[r.typeUrl] },
      );
    });
    this.call.on('error', () => {});
    let first = true;
    for (const [typeUrl, resourceNames] of Object.entries(names)) {
      this.call.write({
        ...(first ? { node } : {}),
        type_url: typeUrl,
        ...(protocol === 'delta' ? { resource_names_subscribe: resourceNames } : { resource_names: resourceNames }),
      });
      first = false;
    }
  }

  close(): void {
    this.call.cancel();
    this.client.close();
  }
}

const proxies: LightProxy[] = [];

/** Resolves when `cond` holds, checking every `everyMs` (the clients' events run in between). */
async function until(cond: () => boolean, everyMs = 1): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, everyMs));
}

serve<ClientRequest, ClientReply>(async (m) => {
  switch (m.op) {
    case 'connect':
      for (let j = 0; j < m.count; j++) proxies.push(new LightProxy(m.address, m.first + j, m.services, m.protocol));
      await until(() => proxies.every((p) => p.types.size === 4), 2);
      return { op: 'synced', atNs: process.hrtime.bigint().toString() };
    case 'await-eds': {
      const after = BigInt(m.afterNs);
      await until(() => proxies.every((p) => p.lastEdsNs > after));
      return { op: 'eds', latenciesMs: proxies.map((p) => Number(p.lastEdsNs - after) / 1e6) };
    }
    case 'close':
      proxies.forEach((p) => p.close());
      process.disconnect?.();
      return undefined;
  }
});
