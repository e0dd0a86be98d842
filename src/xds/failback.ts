/**
 * The key under a CDS cluster's `metadata.filter_metadata` where the mesh control plane puts a service's failback
 * hysteresis for meshbridge's sidecars (`delayMs`, `rampMs` as decimal strings; docs/failover-policy.md). Envoy
 * has no such field and a proxy that does not know the key ignores it.
 */
export const FAILBACK_METADATA_KEY = 'meshbridge.io/failback';
