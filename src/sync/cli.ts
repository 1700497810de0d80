/**
 * `npm run sync -- --all | --connection <id>`: runs syncs to completion in this process and reports one
 * line per connection. `--all` takes every due connection; `--connection` runs that one even if it is not
 * due. A sync held by another run is waited for and taken over if that run dies. The exit code is non-zero
 * when any sync did not complete (failed, unknown id, or still held after the wait).
 */
import { parseArgs } from 'node:util';
import { eq } from 'drizzle-orm';
import { dueConnectionIds, latestRun, parseStats } from '../../db/queries/sync';
import { connections } from '../../db/schema';
import type { Deps } from '../deps';
import { runUntilSettled, type SettleResult } from './engine';
import { syncActivity, syncingConnections } from './interrupted';
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

export interface CliIo {
  /** Called with each line as soon as it is known (waiting can take a while); defaults to collecting only. */
  print?: (line: string) => void;
  /** How long to wait for another run's lease before giving up (default 30 minutes). */
  maxWaitMs?: number;
}

const DEFAULT_MAX_WAIT_MS = 30 * 60_000;
const POLL_MS = 1000;

/**
 * Runs the syncs asked for. `--all` covers every due connection and every connection left `syncing`:
 * one whose run was interrupted (its process killed) is taken over at once; one held by another live run
 * is announced and waited for, then taken over if its lease lapses. Exit code 0 only when every one of
 * them completed (here or in that other run).
 */
export async function runSyncCli(deps: Deps, argv: readonly string[], io: CliIo = {}): Promise<CliResult> {
  const args = parseSyncArgs(argv);
  if (!args.ok) return { code: 2, lines: args.lines };
  const { options, connection } = args;
  const startedAt = deps.clock.now();
  const ids = connection ? [connection] : await idsToSync(deps, startedAt);
  const lines: string[] = [];
  const print = (line: string) => {
    lines.push(line);
    io.print?.(line);
  };
  if (ids.length === 0) {
    print('No connection is due for a sync.');
    return { code: 0, lines };
  }
  let failed = 0;
  for (const connectionId of ids) {
    const ok = await syncOne(deps, connectionId, {
      forced: Boolean(connection),
      options,
      print,
      startedAt,
      maxWaitMs: io.maxWaitMs ?? DEFAULT_MAX_WAIT_MS,
    });
    if (!ok) failed += 1;
  }
  return { code: failed > 0 ? 1 : 0, lines };
}

/** Due connections, then those left `syncing` (interrupted, or held by another run), each once. */
async function idsToSync(deps: Deps, now: number): Promise<string[]> {
  const due = await dueConnectionIds(deps.db, now);
  const syncing = (await syncingConnections(deps)).map((r) => r.id);
  return [...new Set([...due, ...syncing])];
}

interface OneInput {
  forced: boolean;
  options: Partial<SyncOptions>;
  print: (line: string) => void;
  startedAt: number;
  maxWaitMs: number;
}

async function syncOne(deps: Deps, connectionId: string, input: OneInput): Promise<boolean> {
  const giveUpAt = deps.clock.now() + input.maxWaitMs;
  let waited = false;
  for (;;) {
    const row = await deps.db.select().from(connections).where(eq(connections.id, connectionId)).get();
    if (row) {
      const now = deps.clock.now();
      const activity = await syncActivity(deps, row, now);
      if (activity.kind === 'interrupted' && !waited) {
        input.print(`${connectionId}: its last sync was interrupted; resuming it from its checkpoints`);
      }
      if (activity.kind === 'running') {
        if (!waited) {
          input.print(
            `${connectionId}: held by another run (lease until ${new Date(activity.until).toISOString()}); waiting for it to finish, or to take over if it stops`,
          );
          waited = true;
        }
        if (now >= giveUpAt) {
          input.print(
            `${connectionId}: still held by another run after ${Math.round(input.maxWaitMs / 60_000)} min; not completed`,
          );
          return false;
        }
        await deps.clock.sleep(Math.min(POLL_MS, Math.max(1, activity.until - now)));
        continue;
      }
    }
    const result = await runUntilSettled(deps, {
      connectionId,
      trigger: 'cli',
      force: input.forced,
      options: input.options,
    });
    if (result.outcome.status === 'busy') {
      // Another run took the lease between our look and our try: wait for it like any other holder.
      if (deps.clock.now() >= giveUpAt) {
        input.print(`${connectionId}: still held by another run; not completed`);
        return false;
      }
      await deps.clock.sleep(POLL_MS);
      continue;
    }
    if (
      result.outcome.status === 'skipped' &&
      (await completedElsewhere(deps, connectionId, input.startedAt))
    ) {
      input.print(`${connectionId}: done (completed by the other run)`);
      return true;
    }
    input.print(await describe(deps, result));
    return result.outcome.status === 'done';
  }
}

/** The other run we waited for (or a scheduler that raced us) finished this connection's sync. */
async function completedElsewhere(deps: Deps, connectionId: string, since: number): Promise<boolean> {
  const run = await latestRun(deps.db, connectionId);
  return run?.status === 'succeeded' && (run.finishedAt ?? 0) >= since;
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
