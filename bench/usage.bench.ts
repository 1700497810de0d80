/**
 * Usage queries at enterprise scale: 10,000 users, 200,000 meetings and 400,000
 * participant rows in a temp libSQL file, then the first page, a search, a sort by
 * minutes and the full CSV export. Prints figures; asserts nothing about time.
 * Run: npx tsx bench/usage.bench.ts   (node --expose-gc --import tsx ... for steadier heap)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { createDb, type Db } from '../db/client';
import { migrateDb } from '../db/migrate';
import { listUsage } from '../db/queries/usage';
import { bjMeetings, bjParticipants, bjUsers } from '../db/schema';
import { ensureOrganization, getOrCreateConnection } from '../src/connections/store';
import { DAY_MS } from '../src/usage/activity';
import { csvStream } from '../src/usage/csv-export';
import { filterOf, loadPage, loadUsageModel, type UsageScope, usageScope } from '../src/usage/load';
import { resolveParams, UsageQuery } from '../src/usage/query-params';

const USERS = 10_000;
const MEETINGS = 200_000;
const PARTICIPANTS_PER_MEETING = 2;
const NOW = Date.UTC(2026, 0, 15, 12);
const CHUNK = 500;
const RUNS = 15;

const gc = (globalThis as { gc?: () => void }).gc;
const heapMb = () => {
  gc?.();
  return process.memoryUsage().heapUsed / 1024 / 1024;
};
const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;

/** Deterministic pseudo-random numbers, so every run seeds the same data. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Multi-row inserts inside one transaction per table: the fast way to load an embedded file. */
async function insertChunks<T>(
  db: Db,
  rows: T[],
  insert: (tx: Db, chunk: T[]) => Promise<unknown>,
): Promise<void> {
  await db.transaction(async (tx) => {
    for (let i = 0; i < rows.length; i += CHUNK) await insert(tx as unknown as Db, rows.slice(i, i + CHUNK));
  });
}

async function seedData(db: Db, connectionId: string): Promise<void> {
  const rand = rng(42);
  const users = Array.from({ length: USERS }, (_, i) => ({
    connectionId,
    userId: `u${i}`,
    username: `user${i}`,
    firstName: `First${i}`,
    lastName: `Last${i % 997}`,
    email: `user${i}@example.com`,
    isEnterpriseAdmin: i % 500 === 0,
    firstSeenAt: NOW - 400 * DAY_MS,
    lastListedAt: NOW,
    // A fifth never used their seat; 2% were removed.
    lastActiveAt: i % 5 === 0 ? null : NOW - Math.floor(rand() * 120 * DAY_MS),
    removedAt: i % 50 === 1 ? NOW - 10 * DAY_MS : null,
  }));
  await insertChunks(db, users, (tx, c) => tx.insert(bjUsers).values(c));
  const meetings = Array.from({ length: MEETINGS }, (_, i) => ({
    connectionId,
    meetingUuid: `m${i}`,
    hostEmail: `user${Math.floor(rand() * USERS)}@example.com`,
    startTime: NOW - Math.floor(rand() * 120 * DAY_MS),
    totalCallSeconds: Math.floor(rand() * 3600),
    recording: rand() < 0.2,
    contentShare: rand() < 0.5,
    videoShare: rand() < 0.05,
    pstn: rand() < 0.1,
    largeMeeting: rand() < 0.02,
    personal: rand() < 0.3,
    syncedAt: NOW,
  }));
  await insertChunks(db, meetings, (tx, c) => tx.insert(bjMeetings).values(c));
  const participants = meetings.flatMap((m, i) =>
    Array.from({ length: PARTICIPANTS_PER_MEETING }, (_, k) => {
      const u = Math.floor(rand() * USERS);
      // Half identified by user id, half by e-mail only, as BlueJeans returns both shapes.
      return {
        connectionId,
        meetingGuid: `g${i}`,
        participantKey: `p${k}-${u}`,
        userId: k === 0 ? `u${u}` : null,
        email: k === 0 ? null : `user${u}@example.com`,
        minutes: Math.floor(rand() * 60),
        joinTime: m.startTime,
      };
    }),
  );
  await insertChunks(db, participants, (tx, c) => tx.insert(bjParticipants).values(c));
}

async function time(label: string, runs: number, fn: () => Promise<number>): Promise<void> {
  await fn(); // warm-up
  const ms: number[] = [];
  let rows = 0;
  for (let i = 0; i < runs; i += 1) {
    const t = performance.now();
    rows = await fn();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  const p50 = pct(ms, 0.5);
  console.log(
    `${label.padEnd(26)} p50 ${p50.toFixed(1).padStart(8)} ms  p95 ${pct(ms, 0.95).toFixed(1).padStart(8)} ms  ` +
      `${String(rows).padStart(6)} rows  ${Math.round(rows / (p50 / 1000))
        .toLocaleString('en')
        .padStart(10)} rows/s`,
  );
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'seatwise-bench-'));
  try {
    const db = createDb(createClient({ url: `file:${join(dir, 'bench.db')}` }));
    await migrateDb(db);
    await ensureOrganization(db, 'local');
    const { id: connectionId } = await getOrCreateConnection(db, 'local', 'bluejeans');
    const seeded = performance.now();
    await seedData(db, connectionId);
    console.log(
      `seeded ${USERS} users, ${MEETINGS} meetings, ${MEETINGS * PARTICIPANTS_PER_MEETING} participants ` +
        `in ${((performance.now() - seeded) / 1000).toFixed(1)} s`,
    );
    await db.$client.execute('ANALYZE');

    const scope: UsageScope = await usageScope(db, 'local', NOW);
    const params = (q: Record<string, string>) => resolveParams(UsageQuery.parse(q));

    const heapBefore = heapMb();
    await time('first page', RUNS, async () => (await loadPage(db, scope, params({}))).rows.length);
    await time(
      'full page model',
      RUNS,
      async () => (await loadUsageModel(db, scope, params({}))).rows.length,
    );
    await time(
      'search "user12"',
      RUNS,
      async () => (await loadPage(db, scope, params({ q: 'user12' }))).total,
    );
    await time(
      'sort by minutes desc',
      RUNS,
      async () => (await loadPage(db, scope, params({ sort: 'minutes' }))).rows.length,
    );
    await time(
      'filter active+recording',
      RUNS,
      async () => (await loadPage(db, scope, params({ status: 'active', feature: 'recording' }))).total,
    );

    let peakHeap = heapBefore;
    const p = params({ sort: 'minutes' });
    await time('CSV export (all users)', 3, async () => {
      const stream = csvStream(async (offset, limit) => {
        peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed / 1024 / 1024);
        return listUsage(db, { ...filterOf(scope, p), sort: p.sort, dir: p.dir, offset, limit });
      }, NOW);
      let lines = 0;
      const reader = stream.getReader();
      const decoder = new TextDecoder();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        lines += decoder.decode(value).split('\r\n').length - 1;
      }
      return lines - 1;
    });
    console.log(
      `heap: ${heapBefore.toFixed(1)} MB before queries, peak ${peakHeap.toFixed(1)} MB during CSV, ` +
        `${heapMb().toFixed(1)} MB after`,
    );
    db.$client.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
