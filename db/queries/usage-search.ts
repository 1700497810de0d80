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
 *
 * A list also keeps, per search text, which of its lines hold the text (positions, ascending; bounded),
 * so paging, sorting or filtering one search scans the lines once: filters then only narrow the kept
 * positions by each user's codes. Kept on the list, they share its build and connection.
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
  /** The lines joined by SEP (which no line holds) and where each starts, built on the first search. */
  joined?: { text: string; starts: Int32Array };
  /** Recent search texts' matching lines (positions, ascending) in this list, so of this build only. */
  found?: { byText: Map<string, Int32Array>; held: number };
}

/** Search texts whose matching lines a list keeps, and how many positions in all (4 bytes each). */
const KEPT_TEXTS = 512;
const KEPT_POSITIONS = 2_000_000;

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

/** The user ids of the list that match every filter (what the SQL WHERE would keep), in list order. */
export function searchMatches(list: SearchList, f: SearchFilter): string[] {
  const status = f.status && f.status !== 'all' ? STATUSES.indexOf(f.status) : -1;
  const rec = f.recommendation ? RECOMMENDATIONS.indexOf(f.recommendation) : -1;
  const bit = f.feature ? FEATURE_BIT[f.feature] : 0;
  const { ids, codes } = list;
  const out: string[] = [];
  for (const i of linesHolding(list, f.text)) {
    const code = codes[i] as number;
    if (status >= 0 && (code & 7) !== status) continue;
    if (rec >= 0 && ((code >> 3) & 7) !== rec) continue;
    if (bit && ((code >> 6) & bit) === 0) continue;
    out.push(ids[i] as string);
  }
  return out;
}

/** The positions of the lines holding `text`, ascending (kept per text: filters only narrow them). */
function linesHolding(list: SearchList, text: string): Int32Array {
  list.found ??= { byText: new Map(), held: 0 };
  const found = list.found;
  const kept = found.byText.get(text);
  if (kept) {
    found.byText.delete(text);
    found.byText.set(text, kept);
    return kept;
  }
  const positions = findLines(list, text);
  found.byText.set(text, positions);
  found.held += positions.length;
  for (const [t, p] of found.byText) {
    if ((found.byText.size <= KEPT_TEXTS && found.held <= KEPT_POSITIONS) || t === text) break;
    found.byText.delete(t);
    found.held -= p.length;
  }
  return positions;
}

function findLines(list: SearchList, text: string): Int32Array {
  const { lines } = list;
  const out: number[] = [];
  if (text.length === 0 || text.includes(SEP)) {
    // Text holding the separator could match across two lines of the joined text: test line by line.
    for (let i = 0; i < lines.length; i++) if ((lines[i] as string).includes(text)) out.push(i);
    return Int32Array.from(out);
  }
  // One indexOf over the joined lines finds the next matching line, however many lines lie between;
  // after a match the next line is tested alone first (a text most lines hold needs no search at all).
  list.joined ??= joinLines(lines);
  const { text: all, starts } = list.joined;
  const last = starts.length - 1;
  let i = 0;
  for (let at = all.indexOf(text); at >= 0; ) {
    // The line holding `at`: the last start at or before it (starts ascend, and `i` only moves on).
    let lo = i;
    let hi = last;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if ((starts[mid] as number) <= at) lo = mid;
      else hi = mid - 1;
    }
    i = lo;
    out.push(i);
    while (i < last && (lines[i + 1] as string).includes(text)) out.push(++i);
    // Line i + 1 (if any) does not hold the text: search on from the line after it.
    if (i + 2 > last) break;
    i += 2;
    at = all.indexOf(text, starts[i] as number);
  }
  return Int32Array.from(out);
}

function joinLines(lines: readonly string[]): { text: string; starts: Int32Array } {
  const starts = new Int32Array(lines.length);
  let at = 0;
  for (let i = 0; i < lines.length; i++) {
    starts[i] = at;
    at += (lines[i] as string).length + SEP.length;
  }
  return { text: lines.join(SEP), starts };
}

/** For tests: forget every list. */
export function clearSearchLists(): void {
  lists.clear();
  held = 0;
}
