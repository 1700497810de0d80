/**
 * kill -9 mid-sync, for real: the CLI and the Node server run as child processes against a simulator
 * listening on 127.0.0.1, are killed with SIGKILL once the run has stored some pages, and the rerun (or
 * the restarted server, with no cron and no click) must finish the same run with exactly the data an
 * uninterrupted sync stores, and the CLI must say so with its exit code.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/client';
import { connections, syncRuns } from '../../db/schema';
import { startSimServer } from '../../sim/server';
import { ensureOrganization, getOrCreateConnection } from '../../src/connections/store';
import { buildDeps } from '../../src/deps';
import { parseEnv } from '../../src/env';
import { createSealer, generateKeyEntry, parseKeyRing } from '../../src/lib/seal';
import { runSyncCli } from '../../src/sync/cli';
import { testDb } from '../helpers/deps';
import { freePort, type Spawned, spawnProcess, waitForHttp } from '../helpers/spawn';
import { stageConnected } from '../helpers/stage-connection';
import { snapshot } from './support';

const DAY = 86_400_000;
const KEYS = generateKeyEntry();
let sim: Awaited<ReturnType<typeof startSimServer>>;
const procs: Spawned[] = [];

beforeAll(async () => {
  // Data anchored well in the past, so it does not change while the test runs; latency makes the
  // sync slow enough to be killed part-way.
  const anchor = Math.floor(Date.now() / DAY) * DAY - 10 * DAY;
  sim = await startSimServer({ port: 0, seed: 11, users: 30, days: 6, anchor, latencyMs: 40 });
});
afterAll(async () => {
  await Promise.all(procs.map((p) => p.stop()));
  await sim?.close();
});

function envFor(dbUrl: string): Record<string, string> {
  return {
    DATABASE_URL: dbUrl,
    SEAL_KEYS: KEYS,
    BLUEJEANS_API_BASE: sim.url,
    BLUEJEANS_AUTH_BASE: sim.url,
    BLUEJEANS_RATE_LIMIT: '100',
    SYNC_LEASE_TTL_SECONDS: '2',
  };
}

/** A migrated database with one connected BlueJeans connection (demo credentials, sealed). */
async function connectedDb(): Promise<{ db: Db; url: string; connectionId: string }> {
  const { db, url } = await testDb();
  await ensureOrganization(db, 'local');
  const base = await getOrCreateConnection(db, 'local', 'bluejeans');
  await stageConnected(
    db,
    createSealer(parseKeyRing(KEYS)),
    { orgId: 'local', connectionId: base.id },
    sim.sim,
    Date.now(),
  );
  return { db, url, connectionId: base.id };
}

/** What one uninterrupted sync of the simulator stores. */
async function reference() {
  const { db, url } = await connectedDb();
  const deps = buildDeps({
    config: parseEnv(envFor(url)),
    client: db.$client,
    keyRing: parseKeyRing(KEYS),
  });
  const result = await runSyncCli(deps, ['--all']);
  expect(result.code).toBe(0);
  return snapshot(db);
}

/** SQLITE_BUSY, possibly wrapped by drizzle's "Failed query" error. */
function isBusy(err: unknown): boolean {
  for (let e: unknown = err; e; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: string }).code === 'SQLITE_BUSY') return true;
  }
  return false;
}

/** Waits (polling the shared file) until the open run has fetched some records. */
async function untilPartway(db: Db, proc: Spawned, min = 40): Promise<void> {
  const until = Date.now() + 60_000;
  while (Date.now() < until) {
    if (proc.child.exitCode !== null) throw new Error(`exited before the kill:\n${proc.output()}`);
    // The child writes the same file; a poll that meets its write lock just polls again.
    const run = await db
      .select()
      .from(syncRuns)
      .where(eq(syncRuns.status, 'running'))
      .get()
      .catch((err: unknown) => {
        if (isBusy(err)) return undefined;
        throw err;
      });
    const stats = run ? (JSON.parse(run.stats) as Record<string, { fetched?: number }>) : {};
    const fetched = Object.values(stats).reduce((n, s) => n + (s.fetched ?? 0), 0);
    if (fetched >= min) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no progress:\n${proc.output()}`);
}

function cli(dbUrl: string): Spawned {
  const p = spawnProcess(process.execPath, ['--import', 'tsx', 'scripts/sync.ts', '--all'], envFor(dbUrl));
  procs.push(p);
  return p;
}

function server(dbUrl: string, port: number): Spawned {
  const p = spawnProcess(process.execPath, ['--import', 'tsx', 'src/node.ts'], {
    ...envFor(dbUrl),
    PORT: String(port),
  });
  procs.push(p);
  return p;
}

describe('kill -9 mid-sync', () => {
  it('of `npm run sync -- --all`: the rerun takes the run over, finishes it, and exits 0', async () => {
    const expected = await reference();
    const { db, url, connectionId } = await connectedDb();
    const first = cli(url);
    await untilPartway(db, first);
    first.child.kill('SIGKILL');
    await first.exited;
    const left = await db.select().from(connections).where(eq(connections.id, connectionId)).get();
    expect(left?.state).toBe('syncing');

    const rerun = cli(url);
    expect(await rerun.exited).toBe(0);
    const out = rerun.output();
    expect(out).not.toContain('No connection is due');
    expect(out).toMatch(/held by another run|interrupted; resuming/);
    expect(out).toMatch(new RegExp(`${connectionId}: done in`));
    const runs = await db.select().from(syncRuns);
    expect(runs.map((r) => r.status)).toEqual(['succeeded']);
    expect(await snapshot(db)).toEqual(expected);
    // And now nothing is due: a third run says so and exits 0.
    const third = cli(url);
    expect(await third.exited).toBe(0);
    expect(third.output()).toContain('No connection is due');
  });

  it('of the server during Sync now: the restarted server resumes at once, without a cron or a click', async () => {
    const expected = await reference();
    const { db, url, connectionId } = await connectedDb();
    const port = await freePort();
    const first = server(url, port);
    await waitForHttp(`http://127.0.0.1:${port}/health`, first);
    const origin = `http://127.0.0.1:${port}`;
    const started = await fetch(`${origin}/connections/bluejeans/sync`, {
      method: 'POST',
      headers: { Origin: origin, 'HX-Request': 'true' },
    });
    expect(started.status).toBe(200);
    await untilPartway(db, first);
    first.child.kill('SIGKILL');
    await first.exited;

    const second = server(url, await freePort());
    const until = Date.now() + 60_000;
    let row = await db.select().from(connections).where(eq(connections.id, connectionId)).get();
    while (row?.state === 'syncing' && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 100));
      row = await db.select().from(connections).where(eq(connections.id, connectionId)).get();
    }
    expect(row?.state, second.output()).toBe('connected');
    const runs = await db.select().from(syncRuns);
    expect(runs.map((r) => r.status)).toEqual(['succeeded']);
    expect(await snapshot(db)).toEqual(expected);
  });
});
