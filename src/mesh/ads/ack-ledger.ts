import { OverlayMap } from './overlay-map.js';

/**
 * Which version of each resource one proxy has ACKed, per type: the control plane's record of what a proxy
 * actually runs (a NACKed or unanswered response changes nothing here). Both the state-of-the-world and the
 * delta sessions keep one; convergence reporting reads it.
 */
export class AckLedger {
  private readonly byType = new Map<string, OverlayMap<string, string>>();

  /**
   * Records an ACKed response: each name set to its version, or removed (null). With `replace` (a state-of-the-
   * world CDS/LDS response, which holds the full set) names not in `changes` are removed too. `removals` says
   * whether `changes` holds a null, when the caller knows: finding out walks the map, and a thousand proxies ACKing
   * a shared set of two thousand resources made that walk a tenth of their initial sync.
   */
  apply(
    typeUrl: string,
    changes: ReadonlyMap<string, string | null>,
    options: { replace?: boolean; removals?: boolean } = {},
  ): void {
    let versions = this.byType.get(typeUrl);
    if (!versions || options.replace) {
      // A first or full set without removals becomes the record as it is: sessions never change a response's
      // map once sent, and proxies given the same set share it (overlay-map.ts).
      if (!(options.removals ?? hasNull(changes))) {
        this.byType.set(typeUrl, new OverlayMap(changes as ReadonlyMap<string, string>));
        return;
      }
      this.byType.set(typeUrl, (versions = new OverlayMap()));
    }
    for (const [name, version] of changes) {
      if (version === null) versions.delete(name);
      else versions.set(name, version);
    }
  }

  /** The ACKed version of a resource, or undefined when the proxy has not ACKed one. */
  version(typeUrl: string, name: string): string | undefined {
    return this.byType.get(typeUrl)?.get(name);
  }

  /** How many resources of a type the proxy has ACKed. */
  size(typeUrl: string): number {
    return this.byType.get(typeUrl)?.size ?? 0;
  }
}

function hasNull(changes: ReadonlyMap<string, string | null>): boolean {
  for (const v of changes.values()) if (v === null) return true;
  return false;
}
