/**
 * The light ADS client of the scale benchmark: it reads only the envelope of each response (type, version, nonce,
 * how many resources) and skips the resources' bytes, then ACKs like a sidecar. Envoy decodes in C++ in its own
 * process; a client that decoded every cluster through protobufjs on the control plane's thread measured the
 * client's JavaScript, not the control plane (1,000 such clients made the initial sync take minutes).
 */
import protobuf from 'protobufjs';

/** The fields of a `DiscoveryResponse` or `DeltaDiscoveryResponse` a light client needs. */
export interface Envelope {
  readonly typeUrl: string;
  /** `version_info` (state of the world) or `system_version_info` (delta). */
  readonly version: string;
  readonly nonce: string;
  /** How many resources the response carries (field 2 in both messages). */
  readonly resources: number;
  /** Names removed (delta's field 6); always 0 for state of the world, whose field 6 is `control_plane`. */
  readonly removed: number;
}

/**
 * Decodes the envelope of either response. Both messages put the version in field 1, resources in 2, the type URL
 * in 4 and the nonce in 5; delta's removed names are field 6. Other fields are skipped by wire type, so a
 * response with fields this does not read still decodes.
 */
export function decodeEnvelope(bytes: Uint8Array, protocol: 'sotw' | 'delta'): Envelope {
  const r = protobuf.Reader.create(bytes);
  let typeUrl = '';
  let version = '';
  let nonce = '';
  let resources = 0;
  let removed = 0;
  while (r.pos < r.len) {
    const tag = r.uint32();
    const field = tag >>> 3;
    const wireType = tag & 7;
    if (wireType === 2 && field === 1) version = r.string();
    else if (wireType === 2 && field === 4) typeUrl = r.string();
    else if (wireType === 2 && field === 5) nonce = r.string();
    else {
      if (wireType === 2 && field === 2) resources++;
      else if (wireType === 2 && field === 6 && protocol === 'delta') removed++;
      r.skipType(wireType);
    }
  }
  return { typeUrl, version, nonce, resources, removed };
}
