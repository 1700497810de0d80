/**
 * A full first sync of a 1,000-user / 30-day simulated enterprise into a temp file database: wall time,
 * requests, slices, rows written per second and memory. Prints figures; asserts nothing about time.
 * Run: npx tsx bench/sync.bench.ts   (node --expose-gc --import tsx bench/sync.bench.ts for steadier heap)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { eq, sql } from 'drizzle-orm';
import { createDb } from '../db/client';
import { migrateDb } from '../db/migrate';
import { connections } from '../db/schema';
import { createSimulator } from '../sim/index';
import { sealCredentials } from '../src/connections/credentials';
import { ensureOrganization, getOrCreateConnection } from '../src/connections/store';
import { createBlueJeansConnector } from '../src/connectors/bluejeans';
import type { FetchLike } from '../src/connectors/types';
import { buildDeps } from '../src/deps';
import { parseEnv } from '../src/env';
import { createLogger } from '../src/lib/logger';
import { generateKeyEntry, parseKeyRing } from '../src/lib/seal';
import { runUntilSettled } from '../src/sync/engine';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 0, 15, 12);
const SIZES = { users: 1_000, days: 30 };

const gc = (globalThis as { gc?: () => void }).gc;
const mb = (n: number) => (n / 1024 / 1024).toFixed(1);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'seatwise-bench-'));
  try {
    const url = `file:${join(dir, 'bench.db')}`;
    const client = createClient({ url });
    const db = createDb(client);
    await migrateDb(db);
    // The simulator's clock is frozen: the data set stays the same however long the run takes.
    const sim = createSimulator({ seed: 1, ...SIZES, now: () => NOW, anchor: NOW });
    // Time spent answering requests (the simulator, in process) vs writing (libSQL), to split the total.
    let fetchMs = 0;
    let batchMs = 0;
    const fetch: FetchLike = async (input, init) => {
      const t = performance.now();
      try {
        return await sim.fetch(new Request(input, init));
      } finally {
        fetchMs += performance.now() - t;
      }
    };
    const offset = NOW - Date.now();
    const shifted = {
      now: () => Date.now() + offset,
      sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
    };
    const deps = buildDeps({
      config: parseEnv({ DATABASE_URL: url }),
      client,
      keyRing: parseKeyRing(generateKeyEntry()),
      fetch,
      clock: shifted,
      logger: createLogger(() => undefined),
    });
    // No vendor rate limit in process: this measures Seatwise, not the 2 requests/second default.
    deps.bluejeans = createBlueJeansConnector({
      fetch,
      clock: shifted,
      db,
      sealer: deps.sealer,
      apiBase: 'https://bj.bench',
      authBase: 'https://bj.bench',
      requestsPerSecond: 100_000,
    });
    await ensureOrganization(db, 'local');
    const row = await getOrCreateConnection(db, 'local', 'bluejeans');
    const sealed = await sealCredentials(
      deps.sealer,
      { method: 'client_credentials', appKey: sim.credentials.appKey, appSecret: sim.credentials.appSecret },
      { orgId: 'local', connectionId: row.id },
    );
    await db
      .update(connections)
      .set({ state: 'connected', sealedCredentials: sealed, enterpriseId: sim.enterpriseId })
      .where(eq(connections.id, row.id));

    const batch = deps.db.batch.bind(deps.db);
    deps.db.batch = (async (items: Parameters<typeof db.batch>[0]) => {
      const t = performance.now();
      try {
        return await batch(items);
      } finally {
        batchMs += performance.now() - t;
      }
    }) as unknown as typeof db.batch;

    gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 50);
    const started = performance.now();
    const result = await runUntilSettled(deps, {
      connectionId: row.id,
      trigger: 'cli',
      options: { requestBudget: 40, firstLookbackMs: SIZES.days * DAY },
    });
    const ms = performance.now() - started;
    clearInterval(sampler);
    const heapAfter = process.memoryUsage().heapUsed;

    const count = async (t: string) =>
      (await db.all<{ n: number }>(sql.raw(`select count(*) as n from ${t}`)))[0]?.n ?? 0;
    const tables = ['bj_users', 'bj_meetings', 'bj_meeting_history', 'bj_participants', 'bj_daily_usage'];
    const rows: Record<string, number> = {};
    for (const t of tables) rows[t] = await count(t);
    const total = Object.values(rows).reduce((a, b) => a + b, 0);

    console.log(`full first sync: ${SIZES.users} users, ${SIZES.days} days, 40 requests/slice`);
    console.log(`  outcome          ${result.outcome.status}`);
    console.log(`  wall time        ${(ms / 1000).toFixed(2)} s`);
    console.log(`  in simulator     ${(fetchMs / 1000).toFixed(2)} s (fetch, incl. response generation)`);
    console.log(`  in db.batch      ${(batchMs / 1000).toFixed(2)} s (rows + checkpoint per page)`);
    console.log(`  slices           ${result.slices}`);
    console.log(`  requests         ${result.requests}`);
    for (const t of tables) console.log(`  ${t.padEnd(19)} ${rows[t]}`);
    console.log(`  rows total       ${total}`);
    console.log(`  rows/second      ${Math.round(total / (ms / 1000))}`);
    console.log(`  heap growth      ${mb(heapAfter - heapBefore)} MB (after run, before gc)`);
    console.log(`  peak rss         ${mb(peakRss)} MB`);
    client.close();
    if (result.outcome.status !== 'done') process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
