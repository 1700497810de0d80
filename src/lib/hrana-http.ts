/**
 * The Worker's database client: libSQL's `Client` over Hrana v2 HTTP (`POST /v2/pipeline`, JSON), which
 * is what Turso and `npm run db:serve` speak, in the small part drizzle and Seatwise use: `execute`,
 * `batch` (one transaction) and `close`.
 *
 * Why not `@libsql/client/http`: it is about 15 KB of the Worker's gzip (its protocol 3, protobuf,
 * cursor, SQL cache and WebSocket plumbing), against a 150 KB budget, for what is here one fetch per
 * call. The wire format and results follow @libsql/client 0.18 (`intMode: "number"`): the same
 * statements, the same `BEGIN DEFERRED ... COMMIT` batches with each step conditioned on the one
 * before, rows that are arrays by index and objects by column name. Node and Deno keep @libsql/client
 * (embedded files); test/hrana/http-client.test.ts runs both against the same server.
 */
import type { Client, InArgs, InStatement, ResultSet, Row, Value } from '@libsql/client';

type Wire =
  | { type: 'null' }
  | { type: 'integer'; value: string }
  | { type: 'float'; value: number }
  | { type: 'text'; value: string }
  | { type: 'blob'; base64: string };

interface WireStmt {
  sql: string;
  args?: Wire[];
  named_args?: { name: string; value: Wire }[];
  want_rows: boolean;
}

interface WireResult {
  cols: { name: string | null; decltype: string | null }[];
  rows: Wire[][];
  affected_row_count: number;
  last_insert_rowid: string | null;
}

interface WireError {
  message: string;
  code?: string | null;
}

type Cond = { type: 'ok'; step: number } | { type: 'not'; cond: Cond };

/** A failure the database reported (a statement's error, or an HTTP error answer). */
export class DatabaseError extends Error {
  override readonly name = 'LibsqlError';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(`${code}: ${message}`);
  }
}

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function encode(v: unknown): Wire {
  if (v === null || v === undefined) return { type: 'null' };
  if (typeof v === 'string') return { type: 'text', value: v };
  if (typeof v === 'number') {
    if (!Number.isFinite(v))
      throw new RangeError('Only finite numbers (not Infinity or NaN) can be passed as arguments');
    return { type: 'float', value: v };
  }
  if (typeof v === 'bigint') return { type: 'integer', value: v.toString() };
  if (typeof v === 'boolean') return { type: 'integer', value: v ? '1' : '0' };
  if (v instanceof ArrayBuffer) return { type: 'blob', base64: toBase64(new Uint8Array(v)) };
  if (v instanceof Uint8Array) return { type: 'blob', base64: toBase64(v) };
  if (v instanceof Date) return { type: 'float', value: v.valueOf() };
  if (typeof v === 'object') return { type: 'text', value: String(v) };
  throw new TypeError('Unsupported type of value');
}

function decode(w: Wire): Value {
  switch (w.type) {
    case 'null':
      return null;
    case 'integer': {
      const n = Number(w.value);
      if (!Number.isSafeInteger(n)) {
        throw new RangeError(
          'Received integer which is too large to be safely represented as a JavaScript number',
        );
      }
      return n;
    }
    case 'float':
    case 'text':
      return w.value;
    case 'blob': {
      const bin = atob(w.base64);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      return bytes.buffer;
    }
  }
}

function statement(stmt: InStatement): WireStmt {
  const { sql, args } =
    typeof stmt === 'string' ? { sql: stmt, args: undefined } : (stmt as { sql: string; args?: InArgs });
  const out: WireStmt = { sql, want_rows: true };
  if (Array.isArray(args)) out.args = args.map(encode);
  else if (args) {
    out.named_args = Object.entries(args).map(([k, v]) => ({
      name: /^[:@$]/.test(k) ? k : `:${k}`,
      value: encode(v),
    }));
  }
  return out;
}

function resultSet(r: WireResult): ResultSet {
  const columns = r.cols.map((c) => c.name ?? '');
  const rows = r.rows.map((values) => {
    // As libSQL's: indices and length not enumerable, column names enumerable (drizzle reads both).
    const row = {} as Row;
    Object.defineProperty(row, 'length', { value: values.length });
    values.forEach((w, i) => {
      const value = decode(w);
      Object.defineProperty(row, i, { value });
      const name = r.cols[i]?.name;
      if (name != null && !Object.hasOwn(row, name)) {
        Object.defineProperty(row, name, { value, enumerable: true, configurable: true, writable: true });
      }
    });
    return row;
  });
  const rowid = r.last_insert_rowid == null ? undefined : BigInt(r.last_insert_rowid);
  return {
    columns,
    columnTypes: r.cols.map((c) => c.decltype ?? ''),
    rows,
    rowsAffected: r.affected_row_count,
    lastInsertRowid: rowid,
    toJSON: () => ({
      columns,
      rows,
      rowsAffected: r.affected_row_count,
      lastInsertRowid: r.last_insert_rowid,
    }),
  };
}

const fail = (e: WireError) => new DatabaseError(e.message, e.code ?? 'UNKNOWN');

export interface HttpClientConfig {
  url: string;
  authToken?: string;
  fetch?: (input: Request | string | URL, init?: RequestInit) => Promise<Response>;
}

/** `libsql://host` is `https://host` (`?tls=0`: http, for a local server); `?authToken=` is honoured. */
function endpoint(config: HttpClientConfig): { url: string; token: string | undefined } {
  const u = new URL(config.url);
  if (u.protocol === 'libsql:') {
    const tls = u.searchParams.get('tls');
    u.protocol = tls === '0' ? 'http:' : 'https:';
  } else if (u.protocol !== 'https:' && u.protocol !== 'http:') {
    throw new DatabaseError(`the HTTP client cannot open a ${u.protocol} URL`, 'URL_SCHEME_NOT_SUPPORTED');
  }
  const token = config.authToken ?? u.searchParams.get('authToken') ?? undefined;
  u.search = '';
  u.hash = '';
  return { url: `${u.origin}${u.pathname.replace(/\/+$/, '')}/v2/pipeline`, token };
}

export function createClient(config: HttpClientConfig): Client {
  const { url, token } = endpoint(config);
  const doFetch = config.fetch ?? ((input, init) => fetch(input, init));
  let closed = false;

  /** One HTTP request: the given stream requests, then `close` (a fresh stream each time, no baton). */
  async function pipeline(requests: unknown[]): Promise<unknown> {
    if (closed) throw new DatabaseError('The client is closed', 'CLIENT_CLOSED');
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await doFetch(url, {
      method: 'POST',
      headers,
      body: JSON.stringify({ baton: null, requests: [...requests, { type: 'close' }] }),
    });
    const text = await res.text();
    if (!res.ok) {
      let message = text.trim() || res.statusText;
      try {
        message = (JSON.parse(text) as { message?: string }).message ?? message;
      } catch {}
      throw new DatabaseError(`Server returned HTTP status ${res.status}: ${message}`, 'SERVER_ERROR');
    }
    const body = JSON.parse(text) as {
      results: (
        | { type: 'ok'; response: { type: string; result?: unknown } }
        | { type: 'error'; error: WireError }
      )[];
    };
    const first = body.results[0];
    if (!first) throw new DatabaseError('the server answered no result', 'HRANA_PROTO_ERROR');
    if (first.type === 'error') throw fail(first.error);
    return first.response.result;
  }

  const client = {
    protocol: 'http',
    get closed() {
      return closed;
    },
    async execute(stmtOrSql: InStatement, args?: InArgs): Promise<ResultSet> {
      const stmt = typeof stmtOrSql === 'string' ? { sql: stmtOrSql, args: args ?? [] } : stmtOrSql;
      const result = (await pipeline([{ type: 'execute', stmt: statement(stmt) }])) as WireResult;
      return resultSet(result);
    },
    /** One transaction in one request: BEGIN, each statement only if the previous one succeeded, COMMIT, and ROLLBACK if COMMIT did not happen. */
    async batch(
      stmts: InStatement[],
      mode: 'write' | 'read' | 'deferred' = 'deferred',
    ): Promise<ResultSet[]> {
      const begin =
        mode === 'write'
          ? 'BEGIN IMMEDIATE'
          : mode === 'read'
            ? 'BEGIN TRANSACTION READONLY'
            : 'BEGIN DEFERRED';
      const steps: { stmt: WireStmt; condition?: Cond }[] = [{ stmt: { sql: begin, want_rows: false } }];
      for (const s of stmts)
        steps.push({ stmt: statement(s), condition: { type: 'ok', step: steps.length - 1 } });
      const commit = steps.length;
      steps.push({ stmt: { sql: 'COMMIT', want_rows: false }, condition: { type: 'ok', step: commit - 1 } });
      steps.push({
        stmt: { sql: 'ROLLBACK', want_rows: false },
        condition: { type: 'not', cond: { type: 'ok', step: commit } },
      });
      const result = (await pipeline([{ type: 'batch', batch: { steps } }])) as {
        step_results: (WireResult | null)[];
        step_errors: (WireError | null)[];
      };
      const beginError = result.step_errors[0];
      if (beginError) throw fail(beginError);
      const out: ResultSet[] = [];
      for (let i = 1; i <= stmts.length; i++) {
        const error = result.step_errors[i];
        if (error) throw fail(error);
        const r = result.step_results[i];
        if (!r) {
          throw new DatabaseError(
            'Statement in a batch was not executed, probably because the transaction has been rolled back',
            'TRANSACTION_CLOSED',
          );
        }
        out.push(resultSet(r));
      }
      const commitError = result.step_errors[commit];
      if (commitError) throw fail(commitError);
      return out;
    },
    async migrate(): Promise<ResultSet[]> {
      throw new DatabaseError('migrations run with npm run db:migrate, not from the Worker', 'NOT_SUPPORTED');
    },
    async transaction(): Promise<never> {
      throw new DatabaseError(
        'interactive transactions are not used on Workers; use db.batch',
        'NOT_SUPPORTED',
      );
    },
    async executeMultiple(): Promise<void> {
      throw new DatabaseError('executeMultiple is not used on Workers', 'NOT_SUPPORTED');
    },
    async sync(): Promise<undefined> {
      return undefined;
    },
    close() {
      closed = true;
    },
    reconnect() {},
  };
  return client as unknown as Client;
}
