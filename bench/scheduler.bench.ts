/**
 * The scheduler with 1,000 organizations of one connection each: one cron firing's fan-out on Workers
 * (messages, sendBatch calls = subrequests, time) and the order organizations are served in, including
 * across a firing cut short. The floor is a bare `select id from connections` in the same run.
 * Run: npx tsx bench/scheduler.bench.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { inArray, sql } from 'drizzle-orm';
import { createDb } from '../db/client';
import { migrateDb } from '../db/migrate';
import { connections, organizations } from '../db/schema';
import type { Deps, SyncMessage } from '../src/deps';
import { dueConnections, roundRobin } from '../src/sync/fair';
import { syncDue } from '../src/sync/scheduler';

const ORGS = 1_000;
const RUNS = 20;
const NOW = Date.UTC(2026, 0, 15, 12);

const dir = mkdtempSync(join(tmpdir(), 'seatwise-bench-sched-'));
const db = createDb(createClient({ url: `file:${join(dir, 'b.db')}` }));
await migrateDb(db);
const orgRows = Array.from({ length: ORGS }, (_, i) => {
  const id = `org-${String(i).padStart(4, '0')}`;
  return { id, slug: id, name: id };
});
for (let i = 0; i < ORGS; i += 200) await db.insert(organizations).values(orgRows.slice(i, i + 200));
const conRows = orgRows.map((o, i) => ({
  id: `con-${String(i).padStart(4, '0')}`,
  orgId: o.id,
  vendor: 'bluejeans',
  state: 'connected' as const,
  sealedCredentials: 'sealed',
  nextSyncAt: NOW - 1000,
  // Shuffled "last served" times, so the order is the scheduler's and not the insert order.
  updatedAt: NOW - ((i * 7919) % ORGS) * 1000,
}));
for (let i = 0; i < ORGS; i += 200) await db.insert(connections).values(conRows.slice(i, i + 200));

let messages = 0;
let calls = 0;
let maxBatch = 0;
const deps = {
  db,
  clock: { now: () => NOW },
  queue: {
    send: async () => {
      throw new Error('fan-out must use sendBatch');
    },
    sendBatch: async (ms: SyncMessage[]) => {
      calls += 1;
      messages += ms.length;
      maxBatch = Math.max(maxBatch, ms.length);
    },
  },
} as unknown as Deps;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const time = async (f: () => Promise<unknown>) => {
  const t = performance.now();
  await f();
  return performance.now() - t;
};

const floor: number[] = [];
const fanout: number[] = [];
for (let r = 0; r < RUNS; r++) {
  floor.push(await time(() => db.select({ id: connections.id }).from(connections).all()));
  messages = 0;
  calls = 0;
  fanout.push(await time(() => syncDue(deps)));
}
console.log(`organizations: ${ORGS}, one connection each`);
console.log(
  `fan-out per firing: ${messages} messages in ${calls} sendBatch calls (largest ${maxBatch}); subrequests: ${calls} queue + 1 database query`,
);
console.log(
  `fan-out time: median ${median(fanout).toFixed(1)} ms; floor (select ids) ${median(floor).toFixed(1)} ms; ratio ${(median(fanout) / median(floor)).toFixed(2)}x`,
);

// Order: every organization once before any twice, least recently served first.
const order = roundRobin(await dueConnections(db, NOW));
const distinct = new Set(order.slice(0, ORGS).map((o) => o.orgId)).size;
console.log(`served order: first ${ORGS} turns cover ${distinct} distinct organizations`);
// A firing cut short after 300 slices: those 300 were just served (updated_at moves), the rest go first next time.
const served = order.slice(0, 300).map((o) => o.id);
await db
  .update(connections)
  .set({ updatedAt: NOW + 1 })
  .where(inArray(connections.id, served));
const nextOrder = roundRobin(await dueConnections(db, NOW));
const firstNext = new Set(nextOrder.slice(0, 700).map((o) => o.id));
const overlap = served.filter((id) => firstNext.has(id)).length;
console.log(`next firing: the 700 not reached come first (${700 - overlap}/700), the 300 served go last`);
const total = await db.get<{ n: number }>(sql`select count(*) as n from connections`);
if (messages !== ORGS || calls !== ORGS / 100 || distinct !== ORGS || overlap !== 0 || total?.n !== ORGS) {
  console.error('scheduler bench: unexpected figures');
  process.exit(1);
}
rmSync(dir, { recursive: true, force: true });
