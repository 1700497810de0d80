/**
 * The Node client for an embedded file: @libsql/client's own local client, with `execute` outside a
 * transaction served by one extra connection to the same file that keeps its prepared statements.
 *
 * Why: @libsql/client 0.18 prepares every statement on every call (`executeStmt`), and preparing a usage
 * read means the planner weighing usage_period's many indexes again — about a quarter of a usage page's
 * SQL time (docs/BENCHMARKS.md, "The read side, third pass"). A bounded cache keyed by SQL text
 * prepares each distinct statement once per connection.
 *
 * What stays the same: results (`columns`, `columnTypes`, rows readable by index and by name with a
 * non-enumerable `length` and index properties, `rowsAffected`, `lastInsertRowid` as a bigint for
 * writes), `intMode` conversions, argument checks, and errors (native SQLite errors become `LibsqlError`
 * with the same `code`/`extendedCode`/`rawCode`, e.g. SQLITE_CONSTRAINT, SQLITE_BUSY). Batches,
 * transactions, migrations, executeMultiple and sync are the inner client's, unchanged. The extra
 * connection sees every commit as the inner client's other connections do (WAL); it is opened with the
 * same options (busy timeout included), so a write it runs meets a writer exactly as a second pooled
 * connection of the inner client would. Connection pragmas must be set on both (`pragmaConnections`).
 * Test: test/lib/node-file-client.test.ts runs the same statements through both clients.
 */
import { Buffer } from 'node:buffer';
import type {
  Client,
  InArgs,
  InStatement,
  IntMode,
  InValue,
  ResultSet,
  Row,
  TransactionMode,
} from '@libsql/client';
import { LibsqlError } from '@libsql/client';
import Database from 'libsql';

type NativeDatabase = InstanceType<typeof Database>;
type NativeStatement = ReturnType<NativeDatabase['prepare']>;

/**
 * Distinct statements kept prepared (about 21 KB each): the usage pages' generated SQL has some 1,500
 * variants (sort, filters, index), of which a busy organization's views cycle through many.
 */
const CACHE_SIZE = 1000;

export interface NodeFileClient extends Client {
  /** Runs a connection pragma on the inner client and on the caching connection. */
  pragmaConnections(sql: string): Promise<void>;
  /**
   * A read's rows as plain arrays in column order, values converted as `execute` converts them, with no
   * column names and no row objects (hot reads that take values by position: see db/client.ts `readRows`).
   */
  executeRows(sql: string, args?: InArgs, options?: { firstOnly?: boolean }): Promise<unknown[][]>;
}

export function wrapFileClient(
  inner: Client,
  path: string,
  options: { intMode?: IntMode; timeout?: number; authToken?: string } = {},
): NodeFileClient {
  const intMode: IntMode = options.intMode ?? 'number';
  const nativeOptions = { ...(options.timeout !== undefined ? { timeout: options.timeout } : {}) };
  let db: NativeDatabase = new Database(path, nativeOptions);
  // Whether each statement reads is asked once (a native call each time otherwise).
  let cache = new Map<string, { stmt: NativeStatement; reader: boolean }>();
  let closed = false;
  // Connection pragmas set through pragmaConnections, applied again to a reopened connection.
  const pragmas: string[] = [];

  // A statement that fails part-way (SQLITE_BUSY on a write, seen in test/lib/node-file-client.test.ts)
  // keeps its read snapshot until it is reset, and libsql exposes no reset: every later read on the
  // connection would see the file as it was. So after a SQLite error the connection and its statements
  // are dropped and a fresh one opened (errors are rare; the cost is one open and re-preparing).
  const reopen = () => {
    cache = new Map();
    closeQuietly(db);
    db = new Database(path, nativeOptions);
    for (const pragma of pragmas) db.prepare(pragma).all();
  };

  const prepared = (sql: string): { stmt: NativeStatement; reader: boolean } => {
    let entry = cache.get(sql);
    if (entry) {
      // Most recently used last, so the oldest is evicted first.
      cache.delete(sql);
      cache.set(sql, entry);
      return entry;
    }
    const stmt = db.prepare(sql);
    stmt.safeIntegers(true);
    const reader = stmt.reader;
    if (reader) stmt.raw(true);
    entry = { stmt, reader };
    cache.set(sql, entry);
    if (cache.size > CACHE_SIZE) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
    return entry;
  };

  const run = (stmtOrSql: InStatement, maybeArgs?: InArgs): ResultSet => {
    let sql: string;
    let inArgs: InArgs | undefined;
    if (typeof stmtOrSql === 'string') {
      sql = stmtOrSql;
      inArgs = maybeArgs;
    } else {
      sql = stmtOrSql.sql;
      inArgs = stmtOrSql.args;
    }
    const args = toSqlArgs(inArgs, intMode);
    try {
      const { stmt, reader } = prepared(sql);
      if (reader) {
        const cols = stmt.columns();
        const columns = cols.map((c) => c.name);
        const columnTypes = cols.map((c) => c.type ?? '');
        const raw = stmt.all(args) as unknown[][];
        const rows = raw.map((r) => rowFromSql(r, columns, intMode));
        return resultSet(columns, columnTypes, rows, 0, undefined);
      }
      const info = stmt.run(args);
      return resultSet([], [], [], info.changes, BigInt(info.lastInsertRowid));
    } catch (e) {
      if (e instanceof Database.SqliteError) reopen();
      throw mapSqliteError(e);
    }
  };

  const rowsOf = (sql: string, inArgs: InArgs | undefined, firstOnly: boolean): unknown[][] => {
    const args = toSqlArgs(inArgs, intMode);
    try {
      const { stmt, reader } = prepared(sql);
      if (!reader) {
        stmt.run(args);
        return [];
      }
      let raw: unknown[][];
      if (firstOnly) {
        // One step, no row iterator (the hot reads are one row each).
        const first = stmt.get(args) as unknown[] | undefined;
        raw = first ? [first] : [];
      } else {
        raw = stmt.all(args) as unknown[][];
      }
      for (const r of raw) {
        for (let i = 0; i < r.length; i++) {
          const v = r[i];
          if (typeof v === 'bigint' || v instanceof Buffer) r[i] = valueFromSql(v, intMode);
        }
      }
      return raw;
    } catch (e) {
      if (e instanceof Database.SqliteError) reopen();
      throw mapSqliteError(e);
    }
  };

  const client: NodeFileClient = {
    get closed() {
      return closed;
    },
    protocol: 'file',
    async execute(stmtOrSql: InStatement | string, args?: InArgs) {
      if (closed) throw new LibsqlError('The client is closed', 'CLIENT_CLOSED');
      return run(stmtOrSql as InStatement, args);
    },
    async executeRows(sql: string, args?: InArgs, options?: { firstOnly?: boolean }) {
      if (closed) throw new LibsqlError('The client is closed', 'CLIENT_CLOSED');
      return rowsOf(sql, args, options?.firstOnly === true);
    },
    batch: (stmts, mode) => inner.batch(stmts, mode),
    migrate: (stmts) => inner.migrate(stmts),
    transaction: (mode?: TransactionMode) => inner.transaction(mode),
    executeMultiple: (sql) => inner.executeMultiple(sql),
    sync: () => inner.sync(),
    async reconnect() {
      await inner.reconnect();
      reopen();
      closed = false;
    },
    close() {
      closed = true;
      cache.clear();
      closeQuietly(db);
      inner.close();
    },
    async pragmaConnections(sql: string) {
      await inner.execute(sql);
      run(sql);
      pragmas.push(sql);
    },
  } as NodeFileClient;
  return client;
}

function closeQuietly(db: NativeDatabase) {
  try {
    if (db.open) db.close();
  } catch {
    // nothing useful to do while tearing down
  }
}

/** The shape @libsql/client's ResultSetImpl has (its toJSON included). */
function resultSet(
  columns: string[],
  columnTypes: string[],
  rows: Row[],
  rowsAffected: number,
  lastInsertRowid: bigint | undefined,
): ResultSet {
  return {
    columns,
    columnTypes,
    rows,
    rowsAffected,
    lastInsertRowid,
    toJSON() {
      return {
        columns,
        columnTypes,
        rows: rows.map((row) =>
          Array.prototype.map.call(row, (v: unknown) =>
            typeof v === 'bigint' ? `${v}` : v instanceof ArrayBuffer ? Buffer.from(v).toString('base64') : v,
          ),
        ),
        rowsAffected,
        lastInsertRowid: lastInsertRowid !== undefined ? `${lastInsertRowid}` : null,
      };
    },
  };
}

function rowFromSql(sqlRow: unknown[], columns: string[], intMode: IntMode): Row {
  const row = {};
  Object.defineProperty(row, 'length', { value: sqlRow.length });
  for (let i = 0; i < sqlRow.length; ++i) {
    const value = valueFromSql(sqlRow[i], intMode);
    Object.defineProperty(row, i, { value });
    const column = columns[i] as string;
    if (!Object.hasOwn(row, column)) {
      Object.defineProperty(row, column, { value, enumerable: true, configurable: true, writable: true });
    }
  }
  return row as Row;
}

const minSafeBigint = -9007199254740991n;
const maxSafeBigint = 9007199254740991n;
const minInteger = -9223372036854775808n;
const maxInteger = 9223372036854775807n;

function valueFromSql(value: unknown, intMode: IntMode): unknown {
  if (typeof value === 'bigint') {
    if (intMode === 'number') {
      if (value < minSafeBigint || value > maxSafeBigint) {
        throw new RangeError('Received integer which cannot be safely represented as a JavaScript number');
      }
      return Number(value);
    }
    if (intMode === 'bigint') return value;
    if (intMode === 'string') return `${value}`;
    throw new Error('Invalid value for IntMode');
  }
  if (value instanceof Buffer) return value.buffer;
  return value;
}

function valueToSql(value: InValue, intMode: IntMode): unknown {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new RangeError('Only finite numbers (not Infinity or NaN) can be passed as arguments');
    }
    return value;
  }
  if (typeof value === 'bigint') {
    if (value < minInteger || value > maxInteger) {
      throw new RangeError(
        'bigint is too large to be represented as a 64-bit integer and passed as argument',
      );
    }
    return value;
  }
  if (typeof value === 'boolean') {
    if (intMode === 'bigint') return value ? 1n : 0n;
    if (intMode === 'string') return value ? '1' : '0';
    return value ? 1 : 0;
  }
  if (value instanceof ArrayBuffer) return Buffer.from(value);
  if (value instanceof Date) return value.valueOf();
  if (value === undefined) throw new TypeError('undefined cannot be passed as argument to the database');
  return value;
}

function toSqlArgs(args: InArgs | undefined, intMode: IntMode): unknown[] | Record<string, unknown> {
  if (args === undefined) return [];
  if (Array.isArray(args)) return args.map((v) => valueToSql(v, intMode));
  const named: Record<string, unknown> = {};
  for (const name in args) {
    const key = name[0] === '@' || name[0] === '$' || name[0] === ':' ? name.substring(1) : name;
    named[key] = valueToSql((args as Record<string, InValue>)[name] as InValue, intMode);
  }
  return named;
}

/** Extended error codes are base | (extended << 8): the base name is the low byte's. */
function mapSqliteError(e: unknown): unknown {
  if (e instanceof Database.SqliteError) {
    const err = e as Error & { code: string; rawCode?: number };
    const code = err.rawCode === undefined ? 'SQLITE_UNKNOWN' : baseCodeName(err.rawCode & 0xff);
    return new LibsqlError(err.message, code, err.code, err.rawCode, err);
  }
  return e;
}

const baseCodes = [
  'SQLITE_OK',
  'SQLITE_ERROR',
  'SQLITE_INTERNAL',
  'SQLITE_PERM',
  'SQLITE_ABORT',
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_NOMEM',
  'SQLITE_READONLY',
  'SQLITE_INTERRUPT',
  'SQLITE_IOERR',
  'SQLITE_CORRUPT',
  'SQLITE_NOTFOUND',
  'SQLITE_FULL',
  'SQLITE_CANTOPEN',
  'SQLITE_PROTOCOL',
  'SQLITE_EMPTY',
  'SQLITE_SCHEMA',
  'SQLITE_TOOBIG',
  'SQLITE_CONSTRAINT',
  'SQLITE_MISMATCH',
  'SQLITE_MISUSE',
  'SQLITE_NOLFS',
  'SQLITE_AUTH',
  'SQLITE_FORMAT',
  'SQLITE_RANGE',
  'SQLITE_NOTADB',
  'SQLITE_NOTICE',
  'SQLITE_WARNING',
];

function baseCodeName(base: number): string {
  return base >= 1 && base < baseCodes.length ? (baseCodes[base] as string) : `SQLITE_UNKNOWN_${base}`;
}
