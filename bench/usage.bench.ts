/**
 * Usage at scale, end to end. Builds a database through the sync's own write path (the writers, one
 * batch per page with its checkpoint and rollup upkeep, fed from the simulator's in-process records),
 * starts the real Node server on it in a child process, and loads it with autocannon (20 connections):
 * `/health` as the floor, varied sorted/filtered/searched pages (distinct URLs), repeats of one page
 * with `If-None-Match`, then the CSV of every user. Also measures what the rollup upkeep adds to the
 * write time on a sample. Prints figures and ratios; asserts nothing about time.
 *
 * Run: npm run bench, or alone with smaller sizes:
 *   npx tsx bench/usage.bench.ts --users 2000 --meetings 100000 --duration 5
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createClient } from '@libsql/client';
import autocannon from 'autocannon';
import { createDb, type Db } from '../db/client';
import { migrateDb } from '../db/migrate';
import { closeVersionStatement, openVersionStatement, ROLLUP_TRIGGERS } from '../db/queries/rollups';
import { checkpointStatement } from '../db/queries/sync';
import { EnterpriseModel } from '../sim/data/model';
import { toEnterpriseUser, toMeetingHistory, toMeetingIndigo } from '../sim/data/records';
import { ensureOrganization, getOrCreateConnection } from '../src/connections/store';
import { mapHistory, mapMeeting, mapParticipants, mapUser } from '../src/connectors/bluejeans/map';
import { tuneEmbeddedFile } from '../src/lib/open-database';
import { historyStatements, meetingStatements, type Statement, userStatements } from '../src/sync/writers';
import { type ChildServer, cpuMsOf, rssOf, startServer } from './usage-server';
import { type BenchRequest, variedPaths } from './usage-urls';

const { values: flags } = parseArgs({
  options: {
    users: { type: 'string', default: '10000' },
    meetings: { type: 'string', default: '1000000' },
    days: { type: 'string', default: '100' },
    connections: { type: 'string', default: '20' },
    duration: { type: 'string', default: '10' },
    'sample-meetings': { type: 'string', default: '30000' },
    rounds: { type: 'string', default: '3' },
    // Keep the built database at this path; when it exists already, skip the sample and the build and
    // load the server on it (profiling the read side without rebuilding each time).
    db: { type: 'string' },
    // Distinct varied page URLs (each request of the varied run takes the next one).
    varied: { type: 'string', default: '20000' },
  },
});
const USERS = Number(flags.users);
const MEETINGS = Number(flags.meetings);
const DAYS = Number(flags.days);
const CONNECTIONS = Number(flags.connections);
const DURATION = Number(flags.duration);
const SAMPLE = Number(flags['sample-meetings']);
const ROUNDS = Number(flags.rounds);
const VARIED = Number(flags.varied);
const PAGE = 100;
const DAY = 86_400_000;
const mb = (n: number) => (n / 1024 / 1024).toFixed(1);

interface BuildResult {
  rows: number;
  meetings: number;
  ms: number;
  /** Time inside db.batch (the write time: rows, checkpoint, upkeep and version), wall and CPU. */
  writeMs: number;
  writeCpuMs: number;
}

/** A statement list without the data version's statements, for the run without rollup upkeep. */
function withoutRollup(statements: Statement[]): Statement[] {
  return statements.filter((s) => {
    const q = (s as unknown as { getQuery?(): { sql: string } }).getQuery?.().sql ?? '';
    return !/usage_(dirty|recomputed|daily|state)/.test(q);
  });
}

/** Writes users, then meetings and their history page by page, the way the sync's walks do. */
async function build(
  db: Db,
  connectionId: string,
  maxMeetings: number,
  rollup: boolean,
): Promise<BuildResult> {
  const anchor = Math.floor(Date.now() / DAY) * DAY;
  const model = new EnterpriseModel({
    seed: 1,
    users: USERS,
    days: DAYS,
    meetingsPerDay: Math.max(1, Math.round(MEETINGS / DAYS)),
    anchor,
  });
  const now = Date.now();
  let rows = 0;
  let meetings = 0;
  const started = performance.now();
  let writeMs = 0;
  let writeCpuMs = 0;
  const commit = async (stream: string, cursor: string, statements: Statement[]) => {
    const page = rollup ? statements : withoutRollup(statements);
    const t = performance.now();
    const cpu = process.cpuUsage();
    await db.batch([
      ...(rollup ? [openVersionStatement(db, connectionId)] : []),
      ...page,
      checkpointStatement(db, {
        connectionId,
        stream,
        runId: 'bench',
        cursor,
        highWater: now,
        updatedAt: now,
      }),
      ...(rollup ? [closeVersionStatement(db, connectionId)] : []),
    ] as unknown as [Statement, ...Statement[]]);
    const used = process.cpuUsage(cpu);
    writeCpuMs += (used.user + used.system) / 1000;
    writeMs += performance.now() - t;
  };
  for (let i = 0; i < USERS; i += PAGE) {
    const users = [];
    for (let k = i; k < Math.min(USERS, i + PAGE); k++)
      users.push(mapUser(toEnterpriseUser(model.users.user(k)) as never));
    rows += users.length;
    await commit('users', String(i), userStatements(db, connectionId, users, now));
  }
  const name = model.identity.name;
  let meetingPage: ReturnType<typeof mapMeeting>[] = [];
  let historyPage: {
    history: ReturnType<typeof mapHistory>;
    participants: ReturnType<typeof mapParticipants>;
  }[] = [];
  const flush = async () => {
    if (meetingPage.length > 0)
      await commit('meetings', String(meetings), meetingStatements(db, connectionId, meetingPage, now));
    if (historyPage.length > 0)
      await commit(
        'meeting_history',
        String(meetings),
        historyStatements(db, connectionId, historyPage, now),
      );
    rows += meetingPage.length + historyPage.reduce((n, h) => n + 1 + h.participants.length, 0);
    meetingPage = [];
    historyPage = [];
  };
  const shapes: Parameters<Parameters<ReturnType<EnterpriseModel['query']>['forEach']>[0]>[0][] = [];
  model.query(now, 0, {}).forEach((shape) => {
    if (shapes.length + meetings < maxMeetings) shapes.push(shape);
  });
  for (const shape of shapes) {
    const facts = model.meetings.facts(shape);
    meetingPage.push(mapMeeting(toMeetingIndigo(facts, name) as never));
    const h = toMeetingHistory(facts, model.meetings.participants(facts)) as {
      meetingGuid: string;
      participantList?: unknown[];
    };
    historyPage.push({
      history: mapHistory(h as never),
      participants: mapParticipants(h.meetingGuid, (h.participantList ?? []) as never),
    });
    meetings += 1;
    if (meetingPage.length === PAGE) await flush();
  }
  await flush();
  return { rows, meetings, ms: performance.now() - started, writeMs, writeCpuMs };
}

async function freshDb(dir: string, name: string) {
  const url = `file:${join(dir, name)}`;
  const client = createClient({ url });
  // Opened as the Node entry opens its file (WAL, synchronous NORMAL, checkpoints, cache, secure_delete).
  await tuneEmbeddedFile(client);
  const db = createDb(client);
  await migrateDb(db);
  await ensureOrganization(db, 'local');
  const { id } = await getOrCreateConnection(db, 'local', 'bluejeans');
  return { url, db, connectionId: id, path: join(dir, name) };
}

interface Load {
  rps: number;
  /** The server's CPU time per request (ms), from /proc: what the load on the machine barely moves. */
  cpu: number;
  p50: number;
  p99: number;
  non2xx: number;
  statuses: string;
}

/**
 * Loads `requests`: each connection repeats them in order, or with `distinct`, every request of the run
 * (over all connections) takes the next one, so no URL is asked for twice while the list lasts.
 */
async function load(server: ChildServer, requests: BenchRequest[], distinct = false): Promise<Load> {
  let next = 0;
  const cpu = cpuMsOf(server.pid);
  const result = await autocannon({
    url: server.base,
    connections: CONNECTIONS,
    duration: DURATION,
    requests: distinct
      ? [
          {
            method: 'GET',
            path: '/',
            setupRequest: (req) => {
              const r = requests[next++ % requests.length] as BenchRequest;
              return { ...req, method: 'GET', path: r.path, headers: { ...req.headers, ...r.headers } };
            },
          },
        ]
      : requests.map((r) => ({ method: 'GET', path: r.path, headers: r.headers ?? {} })),
  });
  if (distinct && next > requests.length)
    console.log(`(the ${requests.length} varied URLs were cycled: ${next} requests)`);
  const statuses = Object.entries(result.statusCodeStats ?? {})
    .map(([k, v]) => `${k}:${(v as { count: number }).count}`)
    .join(' ');
  return {
    rps: result.requests.average,
    cpu: (cpuMsOf(server.pid) - cpu) / Math.max(1, result.requests.total),
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    statuses,
  };
}

/** The load phase: the real server on the built file, then autocannon and the CSV. */
async function loadPhase(url: string): Promise<void> {
  const server = await startServer(url);
  try {
    // First request builds the period table for this version and day (once).
    let t = performance.now();
    const warm = await fetch(`${server.base}/usage/users`);
    await warm.text();
    console.log(`first view after the build (period table built): ${(performance.now() - t).toFixed(0)} ms`);
    await load(server, [{ path: '/health' }]); // warm-up
    const floor = await load(server, [{ path: '/health' }]);
    const urls = variedPaths(VARIED);
    const varied = await load(server, urls, true);
    const page = await fetch(`${server.base}/usage/users?sort=minutes`);
    const etag = page.headers.get('etag') ?? '';
    await page.text();
    const repeats = await load(server, [
      { path: '/usage/users?sort=minutes', headers: { 'If-None-Match': etag } },
    ]);
    const row = (label: string, r: Load) =>
      console.log(
        `${label.padEnd(28)} ${r.rps.toFixed(0).padStart(7)} req/s  p50 ${String(r.p50).padStart(4)} ms  ` +
          `p99 ${String(r.p99).padStart(4)} ms  ${(r.rps / floor.rps).toFixed(3).padStart(6)} of floor  ` +
          `server CPU ${r.cpu.toFixed(2)} ms/req  [${r.statuses}]`,
      );
    console.log(`autocannon: ${CONNECTIONS} connections, ${DURATION} s each`);
    row('/health (floor)', floor);
    row(`varied pages (${urls.length} URLs)`, varied);
    row('ETag repeats (304)', repeats);
    console.log('targets: varied p99 < 50 ms and >= 1/40 (0.025) of floor; repeats >= 1/4 (0.25) of floor');

    const rssBefore = rssOf(server.pid);
    let peak = rssBefore;
    const sampler = setInterval(() => {
      peak = Math.max(peak, rssOf(server.pid));
    }, 20);
    t = performance.now();
    const csv = await fetch(`${server.base}/usage/users.csv`);
    const text = await csv.text();
    const csvMs = performance.now() - t;
    clearInterval(sampler);
    console.log(
      `CSV of ${text.split('\r\n').length - 2} users: ${csvMs.toFixed(0)} ms (target < 1 s), ${mb(text.length)} MB; ` +
        `server RSS ${mb(rssBefore)} MB before, peak ${mb(peak)} MB`,
    );
  } finally {
    server.stop();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'seatwise-usage-bench-'));
  const keep = flags.db ? resolve(flags.db) : undefined;
  try {
    if (keep && existsSync(keep)) {
      console.log(`reusing ${keep} (no sample, no build)`);
      await loadPhase(`file:${keep}`);
      return;
    }
    // Rollup upkeep overhead on a sample: the same pages written with and without it, alternating
    // for ROUNDS rounds (other work on the machine hits both alike), medians of the time in db.batch.
    // --rounds 0 skips the sample (e.g. to build a file for --db only).
    if (ROUNDS > 0) {
      const runs: { with: BuildResult[]; without: BuildResult[] } = { with: [], without: [] };
      for (let round = 0; round < ROUNDS; round++) {
        for (const rollup of [true, false]) {
          const f = await freshDb(dir, `sample-${round}-${rollup}.db`);
          // Without upkeep: the rollup triggers go (and the batch leaves out its version statements).
          if (!rollup) for (const t of ROLLUP_TRIGGERS) await f.db.$client.execute(`DROP TRIGGER ${t}`);
          (rollup ? runs.with : runs.without).push(await build(f.db, f.connectionId, SAMPLE, rollup));
          f.db.$client.close();
        }
      }
      const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? 0;
      const a = runs.with[0] as BuildResult;
      const w = median(runs.with.map((r) => r.writeMs));
      const wo = median(runs.without.map((r) => r.writeMs));
      const wc = median(runs.with.map((r) => r.writeCpuMs));
      const woc = median(runs.without.map((r) => r.writeCpuMs));
      console.log(
        `rollup upkeep on ${a.meetings} meetings (${a.rows} rows), median of ${ROUNDS} alternating rounds: ` +
          `write time ${(w / 1000).toFixed(1)} s with, ${(wo / 1000).toFixed(1)} s without: ` +
          `+${(((w - wo) / wo) * 100).toFixed(1)}% (target <= 15%); CPU +${(((wc - woc) / woc) * 100).toFixed(1)}%`,
      );
    }

    const main = keep ? await freshDb(dirname(keep), basename(keep)) : await freshDb(dir, 'bench.db');
    const built = await build(main.db, main.connectionId, MEETINGS, true);
    await main.db.$client.execute('ANALYZE');
    main.db.$client.close();
    const size =
      statSync(main.path).size + (statSync(`${main.path}-wal`, { throwIfNoEntry: false })?.size ?? 0);
    console.log(
      `built ${USERS} users, ${built.meetings} meetings, ${built.rows} rows through the writers in ` +
        `${(built.ms / 1000).toFixed(1)} s: ${Math.round(built.rows / (built.ms / 1000))} rows/s ` +
        `(${Math.round(built.rows / (built.writeMs / 1000))} rows/s counting only the time in db.batch) ` +
        `(target >= 10,000); database ${mb(size)} MB`,
    );

    await loadPhase(main.url);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
