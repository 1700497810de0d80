/**
 * A small SQL scanner for the Hrana test server. The native driver only reports what SQLite compiled
 * from the first statement of a string, so it cannot tell us that a string holds a second statement it
 * would silently skip, or that a statement uses a bare `?` (which the driver cannot bind by name). sqld
 * answers both with errors, so the test server has to see them too.
 */

/** One `;`-separated piece of a SQL string, by offsets into it. */
export interface SqlSegment {
  start: number;
  /** Offset just past the terminating `;`, or the string length for the last piece. */
  end: number;
  /** True when the piece holds something other than whitespace and comments. */
  hasContent: boolean;
}

/** What the scanner learnt about a SQL string. */
export interface SqlScan {
  segments: SqlSegment[];
  /** True when some parameter is a bare `?` (no number, no name). */
  hasBareParam: boolean;
  /** The first keyword of the string, upper-cased (`''` if none). */
  firstKeyword: string;
}

const closers: Record<string, string> = { "'": "'", '"': '"', '`': '`', '[': ']' };

/**
 * Splits `sql` on top-level semicolons, skipping string literals, quoted identifiers and comments.
 * A semicolon inside a trigger body also splits here; callers confirm splits with the engine.
 */
export function scanSql(sql: string): SqlScan {
  const segments: SqlSegment[] = [];
  let hasBareParam = false;
  let firstKeyword = '';
  let start = 0;
  let hasContent = false;
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i] as string;
    const next = sql[i + 1];
    if (ch === '-' && next === '-') {
      const newline = sql.indexOf('\n', i + 2);
      i = newline === -1 ? sql.length : newline + 1;
      continue;
    }
    if (ch === '/' && next === '*') {
      const close = sql.indexOf('*/', i + 2);
      i = close === -1 ? sql.length : close + 2;
      continue;
    }
    if (ch === ';') {
      segments.push({ start, end: i + 1, hasContent });
      start = i + 1;
      hasContent = false;
      i += 1;
      continue;
    }
    if (/\s/.test(ch)) {
      i += 1;
      continue;
    }
    hasContent = true;
    const closer = closers[ch];
    if (closer !== undefined) {
      i = skipQuoted(sql, i + 1, closer);
      continue;
    }
    if (ch === '?') {
      if (!/[0-9]/.test(next ?? '')) hasBareParam = true;
      i += 1;
      continue;
    }
    if (firstKeyword === '' && /[A-Za-z_]/.test(ch)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i, i + 64));
      firstKeyword = (match?.[0] ?? '').toUpperCase();
    }
    i += 1;
  }
  if (start < sql.length || segments.length === 0) segments.push({ start, end: sql.length, hasContent });
  return { segments, hasBareParam, firstKeyword };
}

/** Returns the offset just past the closing quote; a doubled closer is an escaped one. */
function skipQuoted(sql: string, from: number, closer: string): number {
  let i = from;
  while (i < sql.length) {
    if (sql[i] === closer) {
      if (closer !== ']' && sql[i + 1] === closer) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i += 1;
  }
  return sql.length;
}
