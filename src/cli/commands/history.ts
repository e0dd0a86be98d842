/**
 * `meshbridge history SERVICE.NS [--cluster C] [-o json]`: the failover episodes of a service as the proxies'
 * flight recorders saw them (trigger, from and to clusters, time to fail over, requests failed, time to fail
 * back), from the management plane's GET /v2/failover/events.
 */
import type { Command } from 'commander';
import { formatHistory } from './history-format.js';
import type { WireEpisode } from './history-format.js';
import { connect, withMgmtConnection } from './mgmt-client.js';
import type { MgmtConnectionOptions } from './mgmt-client.js';

interface HistoryOptions extends MgmtConnectionOptions {
  cluster?: string;
  output?: string;
  limit?: string;
}

/** Registers `history`. */
export function registerHistory(program: Command): void {
  withMgmtConnection(
    program
      .command('history')
      .description(
        "a service's failover episodes recorded by the proxies (time to fail over, requests failed, failback)",
      )
      .argument('<service>', 'SERVICE.NAMESPACE, e.g. details.bookinfo')
      .option('--cluster <name>', 'only what clients in this cluster recorded')
      .option('--limit <n>', 'read the newest N events (1-10000, default 1000)')
      .option('-o, --output <format>', 'json for the events and episodes as the API returns them'),
  ).action(async (service: string, opts: HistoryOptions) => {
    if (opts.output !== undefined && opts.output !== 'json') throw new Error(`-o must be json, got ${opts.output}`);
    const query = new URLSearchParams({ service });
    if (opts.cluster !== undefined) query.set('cluster', opts.cluster);
    if (opts.limit !== undefined) query.set('limit', opts.limit);
    const body = await connect(opts).request<{ events: unknown[]; episodes: WireEpisode[] }>(
      'GET',
      `/v2/failover/events?${query.toString()}`,
    );
    if (opts.output === 'json') process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
    else process.stdout.write(`${formatHistory(service, body.episodes, body.events.length)}\n`);
  });
}
