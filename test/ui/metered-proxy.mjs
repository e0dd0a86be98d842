// A sidecar stand-in for the UI tests, run as its own process: an explicit HTTP proxy for one client pod that
// sends each request to the first reachable endpoint of the requested host (the local cluster first, then the
// remote one: failover on connection failure) and exports Istio's request metrics for what it did.
// Config (env): MB_POD_IP, MB_WORKLOAD, MB_CLUSTER, MB_ROUTES = JSON {"details:9080": {"service": fqdn,
// "endpoints": [{"cluster", "address", "port", "pod"}]}}. Listens on MB_POD_IP:15001 (proxy) and :15020 (metrics).
import http from 'node:http';
import { Counter, Histogram, Registry } from 'prom-client';

const ip = process.env.MB_POD_IP ?? '127.0.0.1';
const workload = process.env.MB_WORKLOAD ?? 'unknown';
const cluster = process.env.MB_CLUSTER ?? 'unknown';
const routes = JSON.parse(process.env.MB_ROUTES ?? '{}');

const registry = new Registry();
const labelNames = ['reporter', 'source_workload', 'source_cluster', 'destination_service', 'destination_cluster'];
const requests = new Counter({
  name: 'istio_requests_total',
  help: 'Requests by edge and response code',
  labelNames: [...labelNames, 'response_code'],
  registers: [registry],
});
const duration = new Histogram({
  name: 'istio_request_duration_milliseconds',
  help: 'Request duration',
  labelNames,
  buckets: [0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000],
  registers: [registry],
});

function forward(req, res, target, route, index, started) {
  const ep = route.endpoints[index];
  const labels = {
    reporter: 'source',
    source_workload: workload,
    source_cluster: cluster,
    destination_service: route.service,
    destination_cluster: ep ? ep.cluster : 'unknown',
  };
  const done = (code) => {
    requests.inc({ ...labels, response_code: String(code) });
    duration.observe(labels, performance.now() - started);
  };
  if (!ep) {
    res.writeHead(503).end('no healthy upstream');
    return done(503);
  }
  const up = http.request(
    {
      host: ep.address,
      port: ep.port,
      method: req.method,
      path: target.pathname + target.search,
      headers: req.headers,
    },
    (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, { ...upRes.headers, 'x-meshbridge-served-by': `${ep.pod}@${ep.cluster}` });
      upRes.pipe(res);
      upRes.on('end', () => done(upRes.statusCode ?? 502));
    },
  );
  // Connection refused: this endpoint is gone, fail over to the next one (the request had no body yet).
  up.on('error', () => forward(req, res, target, route, index + 1, started));
  up.end();
}

http
  .createServer((req, res) => {
    let target;
    try {
      target = new URL(req.url ?? '');
    } catch {
      return void res.writeHead(400).end('absolute-form request expected');
    }
    const route = routes[target.host];
    if (!route) return void res.writeHead(503).end('no route');
    forward(req, res, target, route, 0, performance.now());
  })
  .listen(15001, ip);

http
  .createServer((req, res) => {
    if (req.url !== '/stats/prometheus') return void res.writeHead(404).end();
    void registry.metrics().then((text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text));
  })
  .listen(15020, ip, () => process.stdout.write(`metered proxy listening on ${ip}:15001\n`));

process.once('SIGTERM', () => process.exit(0));
