/**
 * The full-history archive at scale: 1,000,000 meetings (one history row each, 3 participants each,
 * 10,000 users, a year of daily analytics) seeded into a temp libSQL file, then GET /export/bluejeans.zip's
 * stream read to the end. Prints wall time, throughput, peak heap and RSS, and the ratio to a floor
 * measured in the same run: reading the same rows with the same keyset queries and doing nothing with them.
 * Run: node --expose-gc --import tsx bench/archive.bench.ts   (ARCHIVE_MEETINGS=100000 for a quick look)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { createDb } from '../db/client';
import { migrateDb } from '../db/migrate';
import { ensureOrganization, getOrCreateConnection } from '../src/connections/store';
import { archiveStream, keyIndexes, readArchivePage } from '../src/export/archive';
import { ARCHIVE_TABLES } from '../src/export/tables';
import { orgScope } from '../src/lib/scope';
import { seedLargeEnterprise } from './archive-seed';

const MEETINGS = Number(process.env.ARCHIVE_MEETINGS ?? 1_000_000);
const PER_MEETING = 3;
const NOW = Date.UTC(2026, 0, 15, 12);
const PAGE = 2000;

const gc = (globalThis as { gc?: () => void }).gc;
const mb = (n: number) => n / 2 ** 20;

const dir = mkdtempSync(join(tmpdir(), 'seatwise-archive-bench-'));
try {
  const client = createClient({ url: `file:${join(dir, 'bench.db')}` });
  await client.execute('PRAGMA journal_mode = WAL');
  const db = createDb(client);
  await migrateDb(db);
  await ensureOrganization(db, 'local');
  const { id } = await getOrCreateConnection(db, 'local', 'bluejeans');
  let t = performance.now();
  await seedLargeEnterprise(db, id, { meetings: MEETINGS, participantsPerMeeting: PER_MEETING, now: NOW });
  console.log(
    `seeded ${MEETINGS.toLocaleString('en')} meetings in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );

  // Floor: the same pages, read and dropped.
  const scope = orgScope(db, 'local');
  t = performance.now();
  let floorRows = 0;
  for (const spec of ARCHIVE_TABLES) {
    let after: unknown[] | undefined;
    for (;;) {
      const rows = await readArchivePage(scope, spec, after, PAGE);
      floorRows += rows.length;
      const last = rows.at(-1);
      if (!last || rows.length < PAGE) break;
      after = keyIndexes(spec).map((i) => last[i]);
    }
  }
  const floorMs = performance.now() - t;

  gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  let heapPeak = heapBefore;
  let rssPeak = process.memoryUsage().rss;
  let bytes = 0;
  let chunks = 0;
  t = performance.now();
  const reader = archiveStream({ scope, now: NOW, version: 'bench' }).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.length;
    if (++chunks % 100 === 0) {
      const m = process.memoryUsage();
      heapPeak = Math.max(heapPeak, m.heapUsed);
      rssPeak = Math.max(rssPeak, m.rss);
    }
  }
  const archiveMs = performance.now() - t;
  const rows = floorRows;
  console.log(`rows archived:           ${rows.toLocaleString('en')}`);
  console.log(`floor (read pages only): ${(floorMs / 1000).toFixed(1)} s`);
  console.log(
    `archive (CSV + deflate): ${(archiveMs / 1000).toFixed(1)} s  = ${(archiveMs / floorMs).toFixed(2)}x the floor`,
  );
  console.log(
    `throughput:              ${Math.round(rows / (archiveMs / 1000)).toLocaleString('en')} rows/s`,
  );
  console.log(`zip size:                ${mb(bytes).toFixed(1)} MB in ${chunks.toLocaleString('en')} chunks`);
  console.log(
    `heap:                    ${mb(heapBefore).toFixed(1)} MB before, peak ${mb(heapPeak).toFixed(1)} MB (sampled, no forced gc)`,
  );
  console.log(
    `peak RSS:                ${mb(rssPeak).toFixed(0)} MB (process, includes libSQL's page cache)`,
  );
  client.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
