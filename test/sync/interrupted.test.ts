import { describe, expect, it } from 'vitest';
import { leases, syncRuns } from '../../db/schema';
import { listAudit } from '../../src/connections/audit';
import { runSyncCli } from '../../src/sync/cli';
import { syncActivity } from '../../src/sync/interrupted';
import { leaseKey, runSlice } from '../../src/sync/slice';
import { pendingSyncs } from '../../src/sync/sync-now';
import { type SyncEnv, syncEnv, TEST_SYNC } from './support';

const ORIGIN = 'http://127.0.0.1:8787';
const TTL = 30_000;

/** A first slice that stops part-way, then a holder that dies mid-slice (its lease left to lapse). */
async function interruptedRun(env: SyncEnv, leaseLeftMs = TTL) {
  const first = await runSlice(env.deps, {
    connectionId: env.connectionId,
    trigger: 'manual',
    options: { ...TEST_SYNC, requestBudget: 6 },
  });
  expect(first.status).toBe('continue');
  const dead = { holder: 'sync-dead', expiresAt: env.clock.now() + leaseLeftMs };
  await env.deps.db
    .insert(leases)
    .values({ key: leaseKey(env.connectionId), ...dead })
    .onConflictDoUpdate({ target: leases.key, set: dead });
}

const card = async (env: SyncEnv) =>
  (
    await env.app.request(`${ORIGIN}/connections/bluejeans/card`, { headers: { 'HX-Request': 'true' } })
  ).text();

const syncNow = (env: SyncEnv) =>
  env.app.request(`${ORIGIN}/connections/bluejeans/sync`, {
    method: 'POST',
    headers: { Origin: ORIGIN, 'HX-Request': 'true' },
  });

describe('telling a running sync from an interrupted one', () => {
  it('is running while its lease lives or just after a slice handed it back, interrupted after', async () => {
    const env = await syncEnv();
    await runSlice(env.deps, {
      connectionId: env.connectionId,
      trigger: 'manual',
      options: { ...TEST_SYNC, requestBudget: 6 },
    });
    const at = async () => (await syncActivity(env.deps, await env.row(), env.clock.now())).kind;
    expect(await at()).toBe('running'); // between slices: a continuation is expected
    env.clock.advance(TTL + 1);
    expect(await at()).toBe('interrupted'); // nothing carried it on

    const dead = await syncEnv();
    await interruptedRun(dead, 5_000);
    const kind = async () => (await syncActivity(dead.deps, await dead.row(), dead.clock.now())).kind;
    expect(await kind()).toBe('running');
    dead.clock.advance(5_001);
    expect(await kind()).toBe('interrupted'); // expired under its holder: the holder died
  });

  it('uses a 30-second lease by default, renewed while a slice works', async () => {
    const env = await syncEnv();
    expect(env.deps.config.SYNC_LEASE_TTL_SECONDS).toBe(30);
    let seen: number | undefined;
    env.breakNetwork(async (input, init) => {
      const rows = await env.deps.db.select().from(leases);
      seen ??= rows[0]?.expiresAt;
      return env.sim.fetch(new Request(input, init));
    });
    const started = env.clock.now();
    await runSlice(env.deps, { connectionId: env.connectionId, trigger: 'manual', options: TEST_SYNC });
    expect(seen! - started).toBeLessThanOrEqual(TTL);
  });
});

describe('the card and Sync now', () => {
  it('shows an interrupted sync as interrupted (not "Syncing"), with Sync now', async () => {
    const env = await syncEnv();
    await interruptedRun(env);
    expect(await card(env)).toContain('Syncing…');
    env.clock.advance(TTL + 1);
    const html = await card(env);
    expect(html).toContain('Sync interrupted');
    expect(html).toContain('data-interrupted="true"');
    expect(html).toMatch(/Stopped after [\d,]+ records/);
    expect(html).not.toContain('Syncing…');
    expect(html).toContain('>Sync now<');
  });

  it('Sync now resumes an interrupted sync at once and finishes the same run', async () => {
    const env = await syncEnv();
    await interruptedRun(env);
    // While the dead holder's lease still lives, it looks like a running sync.
    expect(await (await syncNow(env)).text()).toContain('A sync is already running.');
    env.clock.advance(TTL + 1);
    const res = await syncNow(env);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('The interrupted sync resumed where it stopped.');
    await Promise.all(pendingSyncs(env.deps));
    const row = await env.row();
    expect(row.state).toBe('connected');
    const runs = await env.deps.db.select().from(syncRuns);
    expect(runs.map((r) => r.status)).toEqual(['succeeded']);
    const audit = await listAudit(env.deps.db, { orgId: 'local' });
    expect(audit.map((a) => a.action)).toContain('sync.resumed');
  });
});

describe('npm run sync -- --all after an interruption', () => {
  it('says the sync is held by another run, waits for the lease to lapse, takes over and exits 0', async () => {
    const env = await syncEnv();
    await interruptedRun(env, 10_000);
    const printed: string[] = [];
    const result = await runSyncCli(env.deps, ['--all'], { print: (l) => printed.push(l) });
    expect(printed[0]).toMatch(new RegExp(`^${env.connectionId}: held by another run`));
    expect(result.code).toBe(0);
    expect(result.lines.at(-1)).toMatch(new RegExp(`^${env.connectionId}: done in`));
    expect((await env.row()).state).toBe('connected');
    expect((await env.deps.db.select().from(syncRuns)).map((r) => r.status)).toEqual(['succeeded']);
  });

  it('resumes an interrupted sync at once when its lease already lapsed', async () => {
    const env = await syncEnv();
    await interruptedRun(env);
    env.clock.advance(TTL + 1);
    const result = await runSyncCli(env.deps, ['--all']);
    expect(result.lines[0]).toContain('interrupted; resuming it');
    expect(result.code).toBe(0);
    expect((await env.row()).state).toBe('connected');
  });

  it('exits non-zero when another run still holds the sync after the wait', async () => {
    const env = await syncEnv();
    await interruptedRun(env, 60 * 60_000);
    const result = await runSyncCli(env.deps, ['--all'], { maxWaitMs: 20_000 });
    expect(result.code).toBe(1);
    expect(result.lines.at(-1)).toContain('still held by another run');
    expect((await env.row()).state).toBe('syncing');
  });
});
