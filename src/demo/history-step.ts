/**
 * The end of the walkthrough's failover step: `meshbridge history details.bookinfo`, the episode productpage's
 * sidecar recorded (trigger, from/to clusters, time to fail over, requests failed, time to fail back), checked to be
 * there and plausible against what the demo itself measured.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { WireEpisode } from '../cli/commands/history-format.js';
import type { FailoverSummary } from './load.js';
import type { Runner } from './runner.js';

/** What the step needs from the walkthrough. */
export interface HistoryStepOptions {
  readonly cli: Runner;
  readonly say: (line: string) => void;
  /** One page request through the client cluster's sleep pod; resolves with the cluster that served details. */
  readonly fetchDetails: () => Promise<string | undefined>;
  readonly from: string;
  readonly to: string;
  /** The demo's own measurement of the same failover (requests sent and failed under load). */
  readonly measured: FailoverSummary;
  /** When the walkthrough scaled details back (an episode must start before it). */
  readonly scaledBackAtMs: number;
  readonly timeoutMs?: number;
}

/**
 * Why `episode` is not a plausible record of the walkthrough's failover, or undefined when it is: from and to
 * clusters as expected, failed over within 30 s of its trigger, failed back after the failover, and no more
 * requests failed than productpage's sidecar could have answered.
 */
export function implausible(
  episode: WireEpisode,
  expected: { from: string; to: string; measured: FailoverSummary },
): string | undefined {
  if (episode.from !== expected.from || episode.to !== expected.to) {
    return `episode went ${episode.from} -> ${episode.to}, not ${expected.from} -> ${expected.to}`;
  }
  if (!(episode.timeToFailoverMs >= 0 && episode.timeToFailoverMs <= 30_000)) {
    return `time to fail over ${episode.timeToFailoverMs} ms is outside 0-30 s`;
  }
  if (episode.open || episode.timeToFailbackMs === undefined || episode.timeToFailbackMs < 0) {
    return 'no failback recorded';
  }
  if (!Number.isInteger(episode.requestsFailed) || episode.requestsFailed < 0) {
    return `requests failed is ${episode.requestsFailed}`;
  }
  // The page fails when its details call fails, so the sidecar cannot have failed more details calls than pages
  // failed, plus the few requests made outside the load (the page checks around it).
  if (episode.requestsFailed > expected.measured.failed + 5) {
    return `${episode.requestsFailed} details requests failed, but only ${expected.measured.failed} pages did`;
  }
  return undefined;
}

/** Waits for the failback and its record, prints `meshbridge history`, returns the checked episode. */
export async function showRecordedFailover(o: HistoryStepOptions): Promise<WireEpisode> {
  const deadline = Date.now() + (o.timeoutMs ?? 60_000);
  // Requests after details came back let productpage's sidecar see home answer again; a failback is recorded once
  // home alone has answered for a second.
  let episode: WireEpisode | undefined;
  let why = 'no episode recorded';
  while (Date.now() < deadline) {
    await o.fetchDetails();
    const res = await o.cli.meshbridge(['history', 'details.bookinfo', '--cluster', o.from, '-o', 'json'], {
      quiet: true,
    });
    const body = JSON.parse(res.stdout) as { episodes: WireEpisode[] };
    const candidates = body.episodes.filter((e) => e.to === o.to && e.startedAtMs <= o.scaledBackAtMs);
    episode = candidates[candidates.length - 1];
    if (episode && !episode.open) break;
    why = episode ? 'the episode has no failback yet' : why;
    await sleep(500);
  }
  if (!episode || episode.open) throw new Error(`meshbridge history: ${why}`);
  const shown = await o.cli.meshbridge(['history', 'details.bookinfo', '--cluster', o.from]);
  for (const line of shown.stdout.trimEnd().split('\n')) o.say(`  ${line}`);
  const problem = implausible(episode, o);
  if (problem) throw new Error(`the recorded failover is not plausible: ${problem}`);
  return episode;
}
