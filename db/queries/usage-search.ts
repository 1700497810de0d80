/**
 * Search over the usage summary in memory. The search box matches a substring of each user's stored
 * lower-cased name, e-mail and username lines (`usage_period.search`); SQLite tests that with `instr`
 * at about half a microsecond an entry, so counting a search's matches over 10,000 users cost several
 * milliseconds, every time. Here the lines of one build (with each user's status, recommendation and
 * feature bits) are read once per build and kept per connection, so a search is a loop of
 * `String.includes` and the page is one statement over the matching user ids.
 *
 * A list belongs to exactly one build: it is read in the same statement as the summary state, keyed
 * by that state's stamp (equal stamps mean equal rows, see readSummary), and a page read with it is
 * used only when the page's own statement reports the same stamp (db/queries/usage.ts).
 */
import { type SQL, sql } from 'drizzle-orm';
import { RECOMMENDATIONS } from '../../src/licences/recommend';
import { STATUSES } from '../../src/usage/activity';
import type { Db } from '../client';
import { FEATURE_BIT, readSummary, type SummaryContext } from './usage-summary';

/** One build's search lines, in user id order. */
export interface SearchList {
  stamp: string;
  ids: string[];
  lines: string[];
  /** Per user: status index | recommendation index << 3 | feature mask << 6. */
  codes: Int32Array;
}

/** Separates the values of one column in the aggregated text (a line holding it is read row by row). */
const SEP = '\x1f';
const STATUS_CASE = `CASE status ${STATUSES.map((s, i) => `WHEN '${s}' THEN ${i}`).join(' ')} ELSE 7 END`;
const REC_CASE = `CASE rec ${RECOMMENDATIONS.map((r, i) => `WHEN '${r}' THEN ${i}`).join(' ')} ELSE 7 END`;
const CODE = sql.raw(`(${STATUS_CASE}) | ((${REC_CASE}) << 3) | (mask << 6)`);

function listSql(connectionId: string): Record<'ids' | 'lines' | 'codes' | 'n', SQL> {
  const from = sql`FROM usage_period WHERE connection_id = ${connectionId}`;
  return {
    n: sql`SELECT count(*) ${from}`,
    ids: sql`SELECT group_concat(user_id, char(31) ORDER BY user_id) ${from}`,
    lines: sql`SELECT group_concat(coalesce(search, ''), char(31) ORDER BY user_id) ${from}`,
    codes: sql`SELECT group_concat(${CODE}, ',' ORDER BY user_id) ${from}`,
  };
}

/** Lists kept, most recently used last; bounded by the users they hold (about 100 bytes each). */
const lists = new Map<string, SearchList>();
const MAX_USERS = 200_000;
let held = 0;

function keep(connectionId: string, list: SearchList): void {
  const old = lists.get(connectionId);
  if (old) {
    held -= old.ids.length;
    lists.delete(connectionId);
  }
  lists.set(connectionId, list);
  held += list.ids.length;
  for (const [id, l] of lists) {
    if (held <= MAX_USERS || id === connectionId) break;
    lists.delete(id);
    held -= l.ids.length;
  }
}

/** The list kept for a connection (maybe of an older build: callers compare stamps). */
export function keptSearchList(connectionId: string): SearchList | undefined {
  const list = lists.get(connectionId);
  if (list) keep(connectionId, list);
  return list;
}

/**
 * Reads the current build's list (bringing the summary up to date first, as every read does) and
 * keeps it. Undefined when some value holds the separator (then callers search in SQL).
 */
export async function loadSearchList(db: Db, ctx: SummaryContext): Promise<SearchList | undefined> {
  const { stamp, values } = await readSummary(db, ctx, listSql(ctx.connectionId));
  const n = Number(values.n ?? 0);
  const split = (v: unknown, sep: string) => (n === 0 ? [] : String(v ?? '').split(sep));
  const ids = split(values.ids, SEP);
  const lines = split(values.lines, SEP);
  const codes = split(values.codes, ',');
  if (ids.length !== n || lines.length !== n || codes.length !== n) {
    lists.delete(ctx.connectionId);
    return undefined;
  }
  const list: SearchList = { stamp, ids, lines, codes: Int32Array.from(codes, Number) };
  keep(ctx.connectionId, list);
  return list;
}

export interface SearchFilter {
  /** The search text as the SQL compares it (trimmed, ASCII lower-cased, without line breaks). */
  text: string;
  status?: (typeof STATUSES)[number] | 'all';
  recommendation?: (typeof RECOMMENDATIONS)[number];
  feature?: keyof typeof FEATURE_BIT;
}

/** The user ids of the list that match every filter (what the SQL WHERE would keep). */
export function searchMatches(list: SearchList, f: SearchFilter): string[] {
  const status = f.status && f.status !== 'all' ? STATUSES.indexOf(f.status) : -1;
  const rec = f.recommendation ? RECOMMENDATIONS.indexOf(f.recommendation) : -1;
  const bit = f.feature ? FEATURE_BIT[f.feature] : 0;
  const out: string[] = [];
  const { ids, lines, codes } = list;
  for (let i = 0; i < ids.length; i++) {
    const code = codes[i] as number;
    if (status >= 0 && (code & 7) !== status) continue;
    if (rec >= 0 && ((code >> 3) & 7) !== rec) continue;
    if (bit && ((code >> 6) & bit) === 0) continue;
    if ((lines[i] as string).includes(f.text)) out.push(ids[i] as string);
  }
  return out;
}

/** For tests: forget every list. */
export function clearSearchLists(): void {
  lists.clear();
  held = 0;
}
