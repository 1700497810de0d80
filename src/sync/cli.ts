/**
 * `npm run sync -- --all | --connection <id>`: runs syncs to completion in this process and reports one
 * line per connection. `--all` takes every due connection; `--connection` runs that one even if it is not
 * due. The exit code is non-zero when any sync failed (or the id is unknown).
 */
import { parseArgs } from 'node:util';
import { dueConnectionIds, latestRun, parseStats } from '../../db/queries/sync';
import type { Deps } from '../deps';
import { runUntilSettled, type SettleResult } from './engine';
import type { SyncOptions } from './options';

/** Local runs have no per-invocation subrequest cap: bigger slices mean fewer checkpoints to re-read. */
const CLI_OPTIONS: Partial<SyncOptions> = { requestBudget: 500, timeBudgetMs: 5 * 60_000 };

export const USAGE = 'usage: npm run sync -- --all | --connection <id> [--budget <requests per slice>]';

export interface CliResult {
  code: number;
  lines: string[];
}

/** What the command line asked for, or the message to print with exit code 2. */
export type SyncArgs =
  | { ok: true; connection?: string; options: Partial<SyncOptions> }
  | { ok: false; lines: string[] };

/** Parses the flags before anything is opened, so a typo never touches the database. */
export function parseSyncArgs(argv: readonly string[]): SyncArgs {
  let values: { all?: boolean; connection?: string; budget?: string };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { all: { type: 'boolean' }, connection: { type: 'string' }, budget: { type: 'string' } },
    }));
  } catch (e) {
    return { ok: false, lines: [e instanceof Error ? e.message : String(e), USAGE] };
  }
  if (Boolean(values.all) === Boolean(values.connection)) return { ok: false, lines: [USAGE] };
  const budget = values.budget === undefined ? undefined : Number(values.budget);
  if (budget !== undefined && !(Number.isInteger(budget) && budget > 0)) {
    return { ok: false, lines: ['--budget must be a positive whole number', USAGE] };
  }
  const options = { ...CLI_OPTIONS, ...(budget ? { requestBudget: budget } : {}) };
  return { ok: true, options, ...(values.connection ? { connection: values.connection } : {}) };
}

export async function runSyncCli(deps: Deps, argv: readonly string[]): Promise<CliResult> {
  const args = parseSyncArgs(argv);
  if (!args.ok) return { code: 2, lines: args.lines };
  const { options, connection } = args;
  const ids = connection ? [connection] : await dueConnectionIds(deps.db, deps.clock.now());
  if (ids.length === 0) return { code: 0, lines: ['No connection is due for a sync.'] };
  const lines: string[] = [];
  let failed = 0;
  for (const connectionId of ids) {
    const result = await runUntilSettled(deps, {
      connectionId,
      trigger: 'cli',
      force: Boolean(connection),
      options,
    });
    const line = await describe(deps, result);
    if (result.outcome.status === 'failed' || (connection && result.outcome.status === 'skipped')) {
      failed += 1;
    }
    lines.push(line);
  }
  return { code: failed > 0 ? 1 : 0, lines };
}

async function describe(deps: Deps, r: SettleResult): Promise<string> {
  const o = r.outcome;
  const head = `${r.connectionId}: ${o.status}`;
  const counters = `${r.slices} slice(s), ${r.requests} request(s)`;
  switch (o.status) {
    case 'done': {
      const run = await latestRun(deps.db, r.connectionId);
      const stats = parseStats(run?.stats ?? '{}');
      const parts = Object.entries(stats).map(([s, v]) => `${s} ${v.fetched}/${v.upserted}/${v.skipped}`);
      return `${head} in ${counters}; fetched/upserted/skipped: ${parts.join(', ')}`;
    }
    case 'failed':
      return `${head} (${o.kind}) after ${counters}: ${o.message}`;
    case 'continue':
      return `${head}: stopped after ${counters}, resumes next time`;
    case 'busy':
      return `${head}: another sync holds its lease`;
    case 'skipped':
      return `${head}: ${o.reason}`;
  }
}
