/**
 * Reading an archive back, independently of how Seatwise writes it: unzip (fflate), an RFC 4180 parser
 * written from the RFC, and the expected cells computed from raw SQL rows.
 */
import { unzipSync } from 'fflate';

/** RFC 4180: CRLF records, quoted fields may hold commas, CR/LF and doubled quotes. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i += 1;
        continue;
      }
      field += ch;
      i += 1;
      continue;
    }
    if (ch === '"' && field === '') {
      quoted = true;
      i += 1;
    } else if (ch === ',') {
      record.push(field);
      field = '';
      i += 1;
    } else if (ch === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += 2;
    } else {
      if (ch === '\n' || ch === '\r' || ch === '"') throw new Error(`bare ${JSON.stringify(ch)} at ${i}`);
      field += ch;
      i += 1;
    }
  }
  if (quoted) throw new Error('unterminated quoted field');
  if (field !== '' || record.length > 0) throw new Error('last record lacks its CRLF');
  return records;
}

/** A CSV file as objects keyed by its header. */
export function csvObjects(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  if (!header) throw new Error('no header');
  return rows.map((r) => {
    if (r.length !== header.length) throw new Error(`record has ${r.length} fields, header ${header.length}`);
    return Object.fromEntries(header.map((h, i) => [h, r[i] as string]));
  });
}

/** Undoes the spreadsheet guard: a leading apostrophe before = + - @ TAB CR. */
export const unguard = (cell: string) => (/^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell);

export async function unzipResponse(res: Response): Promise<Record<string, string>> {
  const files = unzipSync(new Uint8Array(await res.arrayBuffer()));
  const decoder = new TextDecoder('utf-8', { fatal: true });
  return Object.fromEntries(Object.entries(files).map(([name, bytes]) => [name, decoder.decode(bytes)]));
}

const TIME_COLUMNS = new Set([
  'enterprise_join_date',
  'first_seen_at',
  'last_listed_at',
  'removed_at',
  'last_active_at',
  'reclaimed_at',
  'start_time',
  'end_time',
  'synced_at',
  'join_time',
  'disconnect_time',
  'at',
]);
const FLAG_COLUMNS = new Set([
  'is_enterprise_admin',
  'recording',
  'live_recording',
  'content_share',
  'video_share',
  'large_meeting',
  'personal',
  'moderator_less',
  'pstn',
  'pstn_only',
  'is_moderator',
]);

/** What a raw SQL row should read as in the CSV (null as empty, times ISO, flags yes/no). */
export function expectedCells(
  row: Record<string, unknown>,
  columns: readonly string[],
): Record<string, string> {
  return Object.fromEntries(
    columns.map((c) => {
      const v = row[c];
      if (v == null) return [c, ''];
      if (TIME_COLUMNS.has(c)) return [c, new Date(Number(v)).toISOString()];
      if (FLAG_COLUMNS.has(c)) return [c, Number(v) ? 'yes' : 'no'];
      return [c, String(v)];
    }),
  );
}
