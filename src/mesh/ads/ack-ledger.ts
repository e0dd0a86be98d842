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
   * world CDS/LDS response, which holds the full set) names not in `changes` are removed too.
   */
  apply(typeUrl: string, changes: ReadonlyMap<string, string | null>, replace = false): void {
    let versions = this.byType.get(typeUrl);
    if (!versions || replace) {
      // A first or full set without removals becomes the record as it is: sessions never change a response's
      // map once sent, and proxies given the same set share it (overlay-map.ts).
      if (![...changes.values()].includes(null)) {
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
