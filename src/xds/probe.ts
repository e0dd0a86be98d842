/**
 * The remote-service probe (docs/failover-policy.md, "Probes"), a contract between the cluster that probes and
 * the sidecars of the probed service: a `GET /` carrying {@link PROBE_HEADER} over the mesh's mTLS, through the
 * East-West gateway like any call. The server-side sidecar answers it itself, after checking that its application
 * accepts a TCP connection; no request reaches the application.
 */
export const PROBE_HEADER = 'x-meshbridge-probe';
/** The header's value on a probe (anything else is a normal request). */
export const PROBE_VALUE = 'remote-service';
/** The service account of the probing identity, in the prober's trust domain and `istio-system`. */
export const PROBE_SERVICE_ACCOUNT = 'meshbridge-prober';
