/**
 * The BlueJeans archive: a zip with one CSV per synced table and a manifest, produced as a stream.
 *
 * Each pull reads one page of one table (keyset order), writes it as CSV into the zip entry being
 * deflated (./zip.ts, the platform's deflate), and hands on whatever the compressor emitted; nothing
 * waits for a whole table, so memory stays flat whatever the size of the enterprise, and a slow reader
 * slows the reads. The manifest is
 * the last entry, so its row counts and period are exactly what the files above it hold.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { connections } from '../../db/schema';
import { type OrgScope, ownedBy } from '../lib/scope';
import { csvLine } from '../usage/csv';
import { ARCHIVE_TABLES, type ArchiveTable, cell, isoTime } from './tables';
import { type ZipEntry, type ZipWriter, zipWriter } from './zip';

/** Version of this archive's layout (files and columns); bumped when either changes. */
export const ARCHIVE_FORMAT = 1;

/** Rows read per page: a few hundred KB of CSV, small enough for Workers' memory, large enough to be quick. */
export const ARCHIVE_PAGE_SIZE = 2000;

export interface ArchiveInput {
  /** The organization archived (src/lib/scope.ts): every query goes through it. */
  scope: OrgScope;
  /** Generation time (epoch ms), written into the manifest and as the entries' modification time. */
  now: number;
  version: string;
  pageSize?: number;
}

export interface ArchiveManifest {
  format: number;
  /** Database schema version: the number of migrations applied, and the newest one's time. */
  schemaVersion: { migrations: number; latestMigrationAt: string | null };
  organization: string;
  connection: { id: string; enterpriseId: string | null; enterpriseName: string | null } | null;
  /** Earliest and latest meeting, history or daily-analytics moment in the archive (null when empty). */
  period: { from: string | null; to: string | null };
  rowCounts: Record<string, number>;
  generatedAt: string;
  seatwiseVersion: string;
}

/** The file name an archive is downloaded under. */
export function archiveFileName(orgId: string, now: number): string {
  return `seatwise-bluejeans-${orgId.replace(/[^A-Za-z0-9_-]/g, '_')}-${new Date(now).toISOString().slice(0, 10)}.zip`;
}

async function schemaVersion(db: Db): Promise<ArchiveManifest['schemaVersion']> {
  try {
    const rs = await db.$client.execute(
      'select count(*) as n, max(created_at) as latest from __drizzle_migrations',
    );
    const row = rs.rows[0];
    const latest = row?.latest == null ? null : Number(row.latest);
    return { migrations: Number(row?.n ?? 0), latestMigrationAt: isoTime(latest) };
  } catch {
    // Migrated by another tool (no drizzle bookkeeping table): the archive is still complete.
    return { migrations: 0, latestMigrationAt: null };
  }
}

/**
 * One page of a table after `after` (the last key read), in key order. Each row comes back as one JSON
 * array built by SQLite: the client then builds one value per row instead of one per column, which makes
 * the export several times faster at the same memory.
 */
export async function readArchivePage(
  scope: OrgScope,
  spec: ArchiveTable,
  after: unknown[] | undefined,
  limit: number,
): Promise<unknown[][]> {
  const keyAfter = after
    ? sql` and (${sql.join(spec.key, sql`, `)}) > (${sql.join(
        after.map((v) => sql`${v}`),
        sql`, `,
      )})`
    : sql``;
  const cols = sql.join(
    spec.columns.map(([c]) => c),
    sql`, `,
  );
  const order = sql.join(spec.key, sql`, `);
  const rows = await scope.db.all<{ j: string }>(
    sql`select json_array(${cols}) as j from ${spec.table} where ${ownedBy(scope, spec.table)}${keyAfter} order by ${order} limit ${limit}`,
  );
  return rows.map((r) => JSON.parse(r.j) as unknown[]);
}

/** Where each key column sits in a row. */
export const keyIndexes = (spec: ArchiveTable) =>
  spec.key.map((k) => spec.columns.findIndex(([c]) => c === k));

/** A moment (epoch ms) from a period column's raw value: a number, or a YYYY-MM-DD day. */
function momentOf(value: unknown): number | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const ms = Date.parse(`${value}T00:00:00Z`);
    return Number.isFinite(ms) ? ms : null;
  }
  return null;
}

/** Streams the organization's BlueJeans archive as zip bytes. */
export function archiveStream(input: ArchiveInput): ReadableStream<Uint8Array> {
  const { scope, now } = input;
  const { db, orgId } = scope;
  const pageSize = input.pageSize ?? ARCHIVE_PAGE_SIZE;
  const encoder = new TextEncoder();
  const counts: Record<string, number> = {};
  let periodFrom: number | null = null;
  let periodTo: number | null = null;
  let connection: ArchiveManifest['connection'] | undefined;
  let tableIndex = 0;
  let entry: ZipEntry | undefined;
  let after: unknown[] | undefined;
  let finished = false;
  /** The manifest and the central directory are out. */
  let complete = false;
  let closed = false;
  let emitted = false;
  let zip: ZipWriter;

  const writeManifest = async () => {
    const manifest: ArchiveManifest = {
      format: ARCHIVE_FORMAT,
      schemaVersion: await schemaVersion(db),
      organization: orgId,
      connection: connection ?? null,
      period: { from: isoTime(periodFrom), to: isoTime(periodTo) },
      rowCounts: counts,
      generatedAt: isoTime(now) as string,
      seatwiseVersion: input.version,
    };
    const file = zip.entry('manifest.json', now);
    await file.push(encoder.encode(`${JSON.stringify(manifest, null, 2)}\n`));
    await file.close();
    zip.end();
  };

  return new ReadableStream<Uint8Array>(
    {
      async start(controller) {
        zip = zipWriter((chunk) => {
          emitted = true;
          controller.enqueue(chunk);
        });
        const row = await db
          .select({
            id: connections.id,
            enterpriseId: connections.enterpriseId,
            enterpriseName: connections.enterpriseName,
          })
          .from(connections)
          .where(and(eq(connections.orgId, orgId), eq(connections.vendor, 'bluejeans')))
          .get();
        connection = row ?? null;
      },
      async pull(controller) {
        // A stream pulls again only after something was enqueued, and the compressor may keep a whole
        // page to itself: read on until it hands something over (or the archive is complete).
        emitted = false;
        while (!emitted && !finished) await step();
        if (complete && !closed) {
          closed = true;
          controller.close();
        }
      },
      cancel(reason) {
        finished = true;
        zip?.abort(reason);
      },
    },
    { highWaterMark: 1 },
  );

  async function step(): Promise<void> {
    const spec = ARCHIVE_TABLES[tableIndex];
    if (!spec) {
      await writeManifest();
      finished = true;
      complete = true;
      return;
    }
    if (!entry) {
      entry = zip.entry(spec.file, now);
      await entry.push(encoder.encode(csvLine(spec.columns.map(([c]) => c.name))));
      counts[spec.file] = 0;
      after = undefined;
    }
    const rows = await readArchivePage(scope, spec, after, pageSize);
    const kinds = spec.columns.map(([, kind]) => kind);
    const periodAt = spec.period ? spec.columns.findIndex(([c]) => c === spec.period) : -1;
    let text = '';
    for (const row of rows) {
      text += csvLine(row.map((value, i) => cell(value, kinds[i] ?? 'value')));
      const at = periodAt >= 0 ? momentOf(row[periodAt]) : null;
      if (at !== null) {
        if (periodFrom === null || at < periodFrom) periodFrom = at;
        if (periodTo === null || at > periodTo) periodTo = at;
      }
    }
    counts[spec.file] = (counts[spec.file] ?? 0) + rows.length;
    const last = rows[rows.length - 1];
    if (last) after = keyIndexes(spec).map((i) => last[i]);
    const done = rows.length < pageSize;
    await entry.push(encoder.encode(text));
    if (done) {
      await entry.close();
      entry = undefined;
      tableIndex += 1;
    }
  }
}
