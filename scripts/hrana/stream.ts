/**
 * One Hrana stream = one SQLite connection, so that `BEGIN` in one pipeline request and `COMMIT` in a
 * later one land on the same connection, as on sqld.
 *
 * Why the native `libsql` driver and not `@libsql/client`: the client's connection pool rolls back
 * whatever transaction a connection still holds when an `execute()` returns it, so an interactive
 * transaction cannot survive between two requests, and the client exposes neither the autocommit
 * state nor the change count of a statement that returns rows. `libsql` is the engine `@libsql/client`
 * itself runs on for `file:` URLs, so the SQL behaviour is the same as the node project's.
 */
import Database from 'libsql';
import type {
  BatchCond,
  SqlValue,
  Stmt,
  StreamRequest,
  StreamResponse,
  WireBatchResult,
  WireDescribeResult,
  WireError,
  WireStmtResult,
} from './protocol';
import { encodeValue } from './protocol';
import { scanSql } from './sql';

/** A failure reported to the client as `{ message, code }`. */
export class HranaError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HranaError';
  }
}

/** SQLite primary result codes by number, named as sqld names them in Hrana errors. */
const sqliteCodeNames: Record<number, string> = {
  1: 'SQLITE_ERROR',
  2: 'SQLITE_INTERNAL',
  3: 'SQLITE_PERM',
  4: 'SQLITE_ABORT',
  5: 'SQLITE_BUSY',
  6: 'SQLITE_LOCKED',
  7: 'SQLITE_NOMEM',
  8: 'SQLITE_READONLY',
  9: 'SQLITE_INTERRUPT',
  10: 'SQLITE_IOERR',
  11: 'SQLITE_CORRUPT',
  12: 'SQLITE_NOTFOUND',
  13: 'SQLITE_FULL',
  14: 'SQLITE_CANTOPEN',
  15: 'SQLITE_PROTOCOL',
  17: 'SQLITE_SCHEMA',
  18: 'SQLITE_TOOBIG',
  19: 'SQLITE_CONSTRAINT',
  20: 'SQLITE_MISMATCH',
  21: 'SQLITE_MISUSE',
  22: 'SQLITE_NOLFS',
  23: 'SQLITE_AUTH',
  25: 'SQLITE_RANGE',
  26: 'SQLITE_NOTADB',
};

const SQLITE_BUSY = 5;
// A read transaction that wants to write after another connection committed: waiting cannot help.
const SQLITE_BUSY_SNAPSHOT = 517;

interface SqliteFailure {
  message: string;
  rawCode: number;
}

function asSqliteFailure(e: unknown): SqliteFailure | undefined {
  if (!(e instanceof Error) || e.name !== 'SqliteError') return undefined;
  const { rawCode } = e as Error & { rawCode?: unknown };
  return typeof rawCode === 'number' ? { message: e.message, rawCode } : undefined;
}

/** Maps anything thrown while serving a request to the wire error sqld would send. */
export function toWireError(e: unknown): WireError {
  if (e instanceof HranaError) return { message: e.message, code: e.code };
  const failure = asSqliteFailure(e);
  if (failure !== undefined) {
    const code = sqliteCodeNames[failure.rawCode & 0xff] ?? 'SQLITE_UNKNOWN';
    return { message: `SQLite error: ${failure.message}`, code };
  }
  return { message: e instanceof Error ? e.message : String(e), code: 'INTERNAL' };
}

/** sqld parses SQL before running it and reports syntax errors under their own code; so do we. */
function asParseError(e: unknown): HranaError | undefined {
  const failure = asSqliteFailure(e);
  if (failure === undefined || (failure.rawCode & 0xff) !== 1) return undefined;
  const { message } = failure;
  if (
    /syntax error$/.test(message) ||
    message === 'incomplete input' ||
    message.startsWith('unrecognized token')
  ) {
    return new HranaError('SQL_PARSE_ERROR', `SQL string could not be parsed: ${message}`);
  }
  return undefined;
}

function toNative(value: SqlValue): unknown {
  // Buffer is the blob type the driver documents. (Booleans and undefined would abort the process in
  // the driver, but the protocol decoder never produces them.)
  return value instanceof Uint8Array ? Buffer.from(value) : value;
}

type Binding = unknown[] | Record<string, unknown>;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Options of a stream connection. */
export interface StreamConnectionOptions {
  /** How long a statement keeps retrying while another connection holds the write lock. */
  busyTimeoutMs: number;
}

/** The engine side of one Hrana stream: executes pipeline requests on its own connection. */
export class StreamConnection {
  readonly #path: string;
  readonly #busyTimeoutMs: number;
  #db: Database.Database;
  readonly #sqls = new Map<number, string>();
  #closed = false;

  constructor(path: string, options: StreamConnectionOptions) {
    // timeout 0: a locked database fails at once instead of blocking the event loop (and with it the
    // very request that would release the lock); `execute` waits asynchronously instead.
    this.#path = path;
    this.#db = new Database(path, { timeout: 0 });
    this.#busyTimeoutMs = options.busyTimeoutMs;
  }

  /** True once `close()` ran. */
  get closed(): boolean {
    return this.#closed;
  }

  /** True outside an explicit transaction. */
  get isAutocommit(): boolean {
    // Reading `inTransaction` on a closed native connection aborts the process.
    return this.#closed ? true : !this.#db.inTransaction;
  }

  /** Rolls back whatever is still open and closes the connection; idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      if (this.#db.inTransaction) this.#db.exec('ROLLBACK');
    } finally {
      this.#db.close();
    }
  }

  /** Serves one pipeline request other than `close`. */
  async handle(request: Exclude<StreamRequest, { type: 'close' }>): Promise<StreamResponse> {
    this.#checkOpen();
    switch (request.type) {
      case 'execute':
        return { type: 'execute', result: await this.execute(request.stmt) };
      case 'batch':
        return { type: 'batch', result: await this.batch(request.batch.steps) };
      case 'sequence':
        this.sequence(this.#resolveSql(request.sql, request.sql_id));
        return { type: 'sequence' };
      case 'describe':
        return { type: 'describe', result: this.describe(this.#resolveSql(request.sql, request.sql_id)) };
      case 'store_sql':
        if (this.#sqls.has(request.sql_id)) {
          throw new HranaError('SQL_EXISTS', `SQL text with id ${request.sql_id} is already stored`);
        }
        this.#sqls.set(request.sql_id, request.sql);
        return { type: 'store_sql' };
      case 'close_sql':
        this.#sqls.delete(request.sql_id);
        return { type: 'close_sql' };
      case 'get_autocommit':
        return { type: 'get_autocommit', is_autocommit: this.isAutocommit };
    }
  }

  /**
   * Executes one statement, waiting out a write lock held by another stream.
   *
   * SQLite leaves a statement that failed with SQLITE_BUSY half-run, and the driver cannot reset it
   * short of running it again; while it lingers, the connection never commits an autocommit write.
   * So a retry reruns the same statement object, and giving up replaces the connection.
   */
  async execute(stmt: Stmt): Promise<WireStmtResult> {
    const sql = this.#resolveSql(stmt.sql, stmt.sql_id);
    const binding = this.#binding(sql, stmt);
    const wantRows = stmt.want_rows ?? true;
    const deadline = Date.now() + this.#busyTimeoutMs;
    let delay = 2;
    let prepared: Database.Statement | undefined;
    for (;;) {
      this.#checkOpen();
      try {
        prepared ??= this.#prepare(sql);
        return this.#run(prepared, binding, wantRows);
      } catch (e) {
        const failure = asSqliteFailure(e);
        if (failure === undefined || (failure.rawCode & 0xff) !== SQLITE_BUSY) throw e;
        if (failure.rawCode === SQLITE_BUSY_SNAPSHOT || Date.now() >= deadline) {
          if (prepared !== undefined) this.#replaceConnection();
          throw e;
        }
      }
      await sleep(delay);
      delay = Math.min(delay * 2, 50);
    }
  }

  /** Runs the steps in order; a failed step does not stop the batch, a false condition skips one. */
  async batch(steps: { condition?: BatchCond | null; stmt: Stmt }[]): Promise<WireBatchResult> {
    steps.forEach((step, index) => {
      if (step.condition) checkCondRefs(step.condition, index);
    });
    const result: WireBatchResult = { step_results: [], step_errors: [] };
    for (const step of steps) {
      if (step.condition && !this.#evalCond(step.condition, result)) {
        result.step_results.push(null);
        result.step_errors.push(null);
        continue;
      }
      try {
        result.step_results.push(await this.execute(step.stmt));
        result.step_errors.push(null);
      } catch (e) {
        result.step_results.push(null);
        result.step_errors.push(toWireError(e));
      }
    }
    return result;
  }

  /**
   * Executes every statement of `sql`, stopping at the first error. Unlike sqld this does not parse
   * the whole text first, so statements before a syntax error have already run; and it does not wait
   * for locks, since retrying could run the statements before the busy one twice.
   */
  sequence(sql: string): void {
    try {
      this.#db.exec(sql);
    } catch (e) {
      throw asParseError(e) ?? e;
    }
  }

  /** Describes a statement without running it; parameters and read-only-ness come from its program. */
  describe(sql: string): WireDescribeResult {
    const stmt = this.#prepare(sql);
    const cols = stmt.reader ? stmt.columns().map((c) => ({ name: c.name, decltype: c.type ?? null })) : [];
    const isExplain = scanSql(sql).firstKeyword === 'EXPLAIN';
    if (isExplain) return { params: [], cols, is_explain: true, is_readonly: true };
    const program = this.#db.prepare(`EXPLAIN ${sql}`).raw(true).all() as unknown[][];
    const names = new Map<number, string | null>();
    let readonly = true;
    for (const [, opcode, p1, p2, , p4] of program) {
      if (opcode === 'Variable' && typeof p1 === 'number') names.set(p1, typeof p4 === 'string' ? p4 : null);
      // Transaction P2 is 0 for a read, 1 or 2 for a write: what sqlite3_stmt_readonly() looks at.
      if (opcode === 'Transaction' && p2 !== 0) readonly = false;
    }
    const count = Math.max(0, ...names.keys());
    const params = Array.from({ length: count }, (_, i) => ({ name: names.get(i + 1) ?? null }));
    return { params, cols, is_explain: false, is_readonly: readonly };
  }

  #checkOpen(): void {
    if (this.#closed) throw new HranaError('STREAM_CLOSED', 'The stream is closed');
  }

  #resolveSql(sql: string | null | undefined, sqlId: number | null | undefined): string {
    if (sql != null && sqlId != null)
      throw new HranaError('SQL_ID_AND_SQL', 'Both sql and sql_id were given');
    if (sql != null) return sql;
    if (sqlId == null) throw new HranaError('SQL_MISSING', 'Neither sql nor sql_id was given');
    const stored = this.#sqls.get(sqlId);
    if (stored === undefined)
      throw new HranaError('SQL_NOT_FOUND', `No SQL text is stored under id ${sqlId}`);
    return stored;
  }

  #binding(sql: string, stmt: Stmt): Binding {
    const args = stmt.args ?? [];
    const named = stmt.named_args ?? [];
    if (args.length > 0 && named.length > 0) {
      throw new HranaError(
        'ARGS_BOTH_POSITIONAL_AND_NAMED',
        'Specifying both positional and named arguments is not supported',
      );
    }
    if (named.length === 0) return args.map(toNative);
    // Binding by name a statement that has a bare `?` panics inside the native driver (the parameter has
    // no name to look up), which would take the whole test process down.
    if (scanSql(sql).hasBareParam) {
      throw new HranaError(
        'ARGS_INVALID',
        'Named arguments were given for a statement with a bare "?" parameter',
      );
    }
    const byName: Record<string, unknown> = {};
    // The driver matches `a` against `:a`, `@a` and `$a`, so the prefix the client sent goes.
    for (const { name, value } of named) byName[name.replace(/^[:@$]/, '')] = toNative(value);
    return byName;
  }

  #run(stmt: Database.Statement, binding: Binding, wantRows: boolean): WireStmtResult {
    stmt.safeIntegers(true);
    if (!stmt.reader) {
      const info = stmt.run(binding);
      return {
        cols: [],
        rows: [],
        affected_row_count: info.changes,
        last_insert_rowid: String(info.lastInsertRowid),
      };
    }
    // A statement with rows can still write (INSERT ... RETURNING); total_changes() tells whether this
    // one did, since changes() alone still reports the previous write after a plain SELECT.
    const before = this.#scalar('SELECT total_changes()');
    stmt.raw(true);
    const cols = stmt.columns().map((c) => ({ name: c.name, decltype: c.type ?? null }));
    const rows = stmt.all(binding) as unknown[][];
    const wrote = this.#scalar('SELECT total_changes()') !== before;
    return {
      cols,
      rows: wantRows ? rows.map((row) => row.map(encodeValue)) : [],
      affected_row_count: wrote ? Number(this.#scalar('SELECT changes()')) : 0,
      last_insert_rowid: wrote ? String(this.#scalar('SELECT last_insert_rowid()')) : null,
    };
  }

  #scalar(sql: string): unknown {
    const row = this.#db.prepare(sql).raw(true).safeIntegers(true).get() as unknown[];
    return row[0];
  }

  /** Prepares exactly one statement, with sqld's errors for none, several, or one that does not parse. */
  #prepare(sql: string): Database.Statement {
    const pieces = scanSql(sql).segments.filter((s) => s.hasContent);
    if (pieces.length === 0)
      throw new HranaError('SQL_NO_STATEMENT', 'SQL string does not contain any statement');
    if (pieces.length > 1 && this.#endsBeforeLastPiece(sql, pieces)) {
      throw new HranaError('SQL_MANY_STATEMENTS', 'SQL string contains more than one statement');
    }
    try {
      return this.#db.prepare(sql);
    } catch (e) {
      throw asParseError(e) ?? e;
    }
  }

  /**
   * The scanner splits on every top-level `;`, including those inside a trigger body, so let the
   * engine decide: the first statement ends at the first prefix that compiles, and anything after it
   * is a second statement. A prefix that fails for another reason is left for the real prepare.
   */
  #endsBeforeLastPiece(sql: string, pieces: { end: number }[]): boolean {
    for (const piece of pieces.slice(0, -1)) {
      try {
        this.#db.prepare(sql.slice(0, piece.end));
        return true;
      } catch (e) {
        if (asSqliteFailure(e)?.message !== 'incomplete input') return false;
      }
    }
    return false;
  }

  #evalCond(cond: BatchCond, done: WireBatchResult): boolean {
    switch (cond.type) {
      case 'ok':
        return done.step_results[cond.step] != null;
      case 'error':
        return done.step_errors[cond.step] != null;
      case 'not':
        return !this.#evalCond(cond.cond, done);
      case 'and':
        return cond.conds.every((c) => this.#evalCond(c, done));
      case 'or':
        return cond.conds.some((c) => this.#evalCond(c, done));
      case 'is_autocommit':
        return this.isAutocommit;
    }
  }

  /**
   * Swaps in a fresh connection for one holding a half-run statement. A transaction that hit
   * SQLITE_BUSY has written nothing (a writer already holds the lock it was waiting for), so reopening
   * it with a plain BEGIN loses only its read snapshot, and the client's COMMIT or ROLLBACK still works.
   */
  #replaceConnection(): void {
    const inTransaction = this.#db.inTransaction;
    try {
      this.#db.close();
    } catch (e) {
      console.error('hrana-server: closing a connection with a pending statement failed', e);
    }
    this.#db = new Database(this.#path, { timeout: 0 });
    if (inTransaction) this.#db.exec('BEGIN');
  }
}

function checkCondRefs(cond: BatchCond, stepIndex: number): void {
  switch (cond.type) {
    case 'ok':
    case 'error':
      if (cond.step >= stepIndex) {
        throw new HranaError(
          'BATCH_COND_INVALID',
          `A condition of step ${stepIndex} refers to step ${cond.step}`,
        );
      }
      return;
    case 'not':
      checkCondRefs(cond.cond, stepIndex);
      return;
    case 'and':
    case 'or':
      for (const c of cond.conds) checkCondRefs(c, stepIndex);
      return;
    case 'is_autocommit':
      return;
  }
}
