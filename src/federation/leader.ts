/**
 * Leader election on a `coordination.k8s.io/v1` Lease, so several controller replicas can run and exactly one
 * writes. The rules are client-go's: a holder renews every `retryPeriodMs`; another candidate takes the lease only
 * after it has seen the same record unchanged for `leaseDurationMs` (measured on its own clock, never by comparing
 * clocks across machines); every write carries the resourceVersion it read, so two candidates racing for an expired
 * lease cannot both win (the API refuses the second with a conflict); a leader that cannot renew within
 * `renewDeadlineMs` stops leading, before its lease can expire for the others; a leader that stops gracefully
 * releases the lease so a successor need not wait.
 */
import { EventEmitter } from 'node:events';
import type { ClusterClient, KObject } from '../kube/client.js';

/** Options of {@link LeaderElector}. */
export interface LeaderElectionOptions {
  /** The cluster that holds the Lease (the management cluster). */
  readonly client: ClusterClient;
  readonly namespace: string;
  /** The Lease's name: one per group of replicas. */
  readonly name: string;
  /** This replica's identity (pod name and pid): unique among candidates. */
  readonly identity: string;
  /**
   * How long a lease holds without renewal (default 12 s). client-go's 15 s would let a standby take over only
   * 15-17 s after a leader died (it must see the record unchanged for the whole lease, checked every retry period);
   * 12 s keeps a takeover under 15 s.
   */
  readonly leaseDurationMs?: number;
  /** How long a leader keeps trying to renew before it gives up (default 8 s, well before the lease ends). */
  readonly renewDeadlineMs?: number;
  /** Time between attempts (default 2 s). */
  readonly retryPeriodMs?: number;
  readonly log?: (line: string) => void;
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

/** Kubernetes MicroTime: RFC 3339 with microseconds. */
const microTime = (ms: number): string => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

/**
 * Campaigns for and holds one Lease. Events: `started-leading`, `stopped-leading` (lost or released). A replica that
 * stopped leading because it lost the lease should exit: its work may already be someone else's.
 */
export class LeaderElector extends EventEmitter {
  private readonly o: Required<Omit<LeaderElectionOptions, 'log'>> & Pick<LeaderElectionOptions, 'log'>;
  private leading = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  /** The last record seen and when (our clock): expiry is judged from this, not from the record's times. */
  private observed: { record: string; at: number } | undefined;
  private lastRenew = 0;

  constructor(options: LeaderElectionOptions) {
    super();
    this.o = { leaseDurationMs: 12_000, renewDeadlineMs: 8_000, retryPeriodMs: 2_000, ...options };
    if (this.o.renewDeadlineMs >= this.o.leaseDurationMs) {
      throw new RangeError('renewDeadlineMs must be shorter than leaseDurationMs');
    }
  }

  /** Whether this replica holds the lease now. */
  isLeader(): boolean {
    return this.leading;
  }

  /** Starts campaigning (and, once leading, renewing). */
  start(): void {
    const tick = (): void => {
      this.running = this.attempt().finally(() => {
        this.running = undefined;
        if (!this.stopped) this.timer = setTimeout(tick, this.o.retryPeriodMs);
      });
    };
    tick();
  }

  /** Stops; a leader releases the lease (empty holder) so a successor takes over at its next attempt. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    if (!this.leading) return;
    try {
      const current = await this.read();
      const spec = (current?.spec ?? {}) as LeaseSpec;
      if (current && spec.holderIdentity === this.o.identity) {
        await this.o.client.replace({ ...current, spec: { ...spec, holderIdentity: '', leaseDurationSeconds: 1 } });
      }
    } catch (err) {
      this.o.log?.(`leader election: could not release the lease: ${(err as Error).message}`);
    }
    this.setLeading(false);
  }

  private read(): Promise<KObject | undefined> {
    return this.o.client.get({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      name: this.o.name,
      namespace: this.o.namespace,
    });
  }

  private async attempt(): Promise<void> {
    let ok = false;
    try {
      ok = await this.tryAcquireOrRenew();
    } catch (err) {
      this.o.log?.(`leader election: ${(err as Error).message}`);
    }
    if (this.stopped) return;
    const now = Date.now();
    if (ok) {
      this.lastRenew = now;
      this.setLeading(true);
    } else if (this.leading && now - this.lastRenew >= this.o.renewDeadlineMs) {
      this.o.log?.(`leader election: could not renew lease ${this.o.namespace}/${this.o.name} in time`);
      this.setLeading(false);
    } else if (this.leading && this.observed && !this.heldByUs()) {
      // Someone else holds it now (we were too slow): stop at once.
      this.setLeading(false);
    }
  }

  private heldByUs(): boolean {
    return (JSON.parse(this.observed?.record ?? '{}') as LeaseSpec).holderIdentity === this.o.identity;
  }

  /** One read and, when allowed, one write. True when this replica holds a freshly renewed lease. */
  private async tryAcquireOrRenew(): Promise<boolean> {
    const now = Date.now();
    const mine: LeaseSpec = {
      holderIdentity: this.o.identity,
      leaseDurationSeconds: Math.ceil(this.o.leaseDurationMs / 1000),
      acquireTime: microTime(now),
      renewTime: microTime(now),
      leaseTransitions: 0,
    };
    const current = await this.read();
    if (!current) {
      const created = await this.o.client.create({
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: this.o.name, namespace: this.o.namespace },
        spec: mine,
      });
      this.observe(created);
      return true;
    }
    const spec = (current.spec ?? {}) as LeaseSpec;
    this.observe(current);
    const holder = spec.holderIdentity ?? '';
    const ours = holder === this.o.identity;
    const durationMs = (spec.leaseDurationSeconds ?? this.o.leaseDurationMs / 1000) * 1000;
    if (!ours && holder !== '' && this.observed!.at + durationMs > now) return false;
    const next: LeaseSpec = ours
      ? { ...spec, renewTime: mine.renewTime, leaseDurationSeconds: mine.leaseDurationSeconds }
      : { ...mine, leaseTransitions: (spec.leaseTransitions ?? 0) + 1 };
    // Optimistic: the write names the version read, so of two candidates only the first succeeds.
    const written = await this.o.client.replace({ ...current, spec: next });
    this.observe(written);
    return true;
  }

  private observe(lease: KObject): void {
    const record = JSON.stringify(lease.spec ?? {});
    if (this.observed?.record !== record) this.observed = { record, at: Date.now() };
  }

  private setLeading(leading: boolean): void {
    if (leading === this.leading) return;
    this.leading = leading;
    this.o.log?.(`leader election: ${leading ? 'leading' : 'not leading'} (${this.o.namespace}/${this.o.name})`);
    this.emit(leading ? 'started-leading' : 'stopped-leading');
  }
}
