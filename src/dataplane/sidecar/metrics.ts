/**
 * Istio standard metrics (prom-client): `istio_requests_total` and `istio_request_duration_milliseconds` with
 * Istio's label names, reported by the client sidecar (`reporter="source"`) and the server sidecar
 * (`reporter="destination"`).
 */
import client from 'prom-client';

/** Labels of one request. */
export interface RequestLabels {
  reporter: 'source' | 'destination';
  source_workload: string;
  source_workload_namespace: string;
  source_cluster: string;
  destination_service: string;
  destination_cluster: string;
  response_code: string;
}

const LABELS = [
  'reporter',
  'source_workload',
  'source_workload_namespace',
  'source_cluster',
  'destination_service',
  'destination_cluster',
  'response_code',
] as const;

/** Istio's default duration buckets (ms). */
const BUCKETS = [
  0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000,
];

/** The metrics of one proxy process. */
export class ProxyMetrics {
  readonly registry = new client.Registry();
  private readonly requests = new client.Counter({
    name: 'istio_requests_total',
    help: 'Requests handled by the proxy',
    labelNames: LABELS,
    registers: [this.registry],
  });
  private readonly duration = new client.Histogram({
    name: 'istio_request_duration_milliseconds',
    help: 'Request duration in milliseconds',
    labelNames: LABELS,
    buckets: BUCKETS,
    registers: [this.registry],
  });
  /** Gateway: connections forwarded or refused, by reason. */
  readonly gatewayConnections = new client.Counter({
    name: 'meshbridge_gateway_connections_total',
    help: 'East-West gateway connections by outcome',
    labelNames: ['outcome', 'destination_service'] as const,
    registers: [this.registry],
  });
  /** mTLS peers refused by the inbound listener, by reason. */
  readonly refusedPeers = new client.Counter({
    name: 'meshbridge_inbound_refused_total',
    help: 'Inbound connections refused by peer verification',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  /** Connections closed on accept because a listener held its maximum (`MB_MAX_CONNECTIONS`). */
  readonly droppedConnections = new client.Counter({
    name: 'meshbridge_listener_overflow_total',
    help: 'Connections closed on accept because the listener was at its connection cap',
    labelNames: ['listener'] as const,
    registers: [this.registry],
  });

  /** Records one finished request. */
  observe(labels: RequestLabels, durationMs: number): void {
    this.requests.inc(labels);
    this.duration.observe(labels, durationMs);
  }

  /** Prometheus text exposition. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
