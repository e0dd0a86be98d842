/**
 * Smooth weighted round robin (nginx's algorithm): deterministic, spreads picks evenly, and over any window of
 * sum(weights) picks gives each item exactly its share. Used for priority levels, localities and hosts.
 */

/** Picker state: current scores per key, kept across picks. */
export class SmoothWrr {
  private readonly current = new Map<string, number>();

  /** Picks one of `items` (key, weight > 0); undefined when none has positive weight. */
  pick<T>(items: readonly T[], key: (t: T) => string, weight: (t: T) => number): T | undefined {
    let total = 0;
    let best: T | undefined;
    let bestScore = -Infinity;
    for (const item of items) {
      const w = weight(item);
      if (!(w > 0)) continue;
      const k = key(item);
      const score = (this.current.get(k) ?? 0) + w;
      this.current.set(k, score);
      total += w;
      if (score > bestScore) {
        bestScore = score;
        best = item;
      }
    }
    if (best !== undefined) {
      const k = key(best);
      this.current.set(k, (this.current.get(k) ?? 0) - total);
    }
    return best;
  }
}
