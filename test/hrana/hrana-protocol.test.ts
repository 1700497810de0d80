/**
 * The Hrana v2 wire protocol of the test server, request by request: what the client library sends
 * only in some situations (conditions, batons, stored SQL, expiry, lock waits) is driven here directly.
 */
import { createClient, LibsqlError } from '@libsql/client/web';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type {
  PipelineResponse,
  StreamResult,
  WireBatchResult,
  WireStmtResult,
} from '../../scripts/hrana/protocol';
import { type HranaServer, startHranaServer } from '../../scripts/hrana/server';

let server: HranaServer;

beforeAll(async () => {
  server = await startHranaServer({ streamIdleMs: 300, busyTimeoutMs: 200 });
});
afterAll(async () => {
  await server?.close();
});
beforeEach(async () => {
  const r = await pipeline([
    {
      type: 'sequence',
      sql: 'DROP TABLE IF EXISTS t; CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE, n)',
    },
    { type: 'close' },
  ]);
  expect(r.results[0]?.type).toBe('ok');
});
afterEach(() => {
  // No test may leave a stream (and with it possibly a lock) behind.
  expect(server.openStreams()).toBe(0);
});

async function post(body: unknown, url = server.url): Promise<Response> {
  return fetch(`${url}/v2/pipeline`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function pipeline(requests: unknown[], baton?: string | null, url?: string): Promise<PipelineResponse> {
  const res = await post({ baton: baton ?? null, requests }, url);
  expect(res.status).toBe(200);
  return (await res.json()) as PipelineResponse;
}

function ok(result: StreamResult | undefined) {
  if (result?.type !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  return result.response;
}

function stmtResult(result: StreamResult | undefined): WireStmtResult {
  const response = ok(result);
  if (response.type !== 'execute') throw new Error(`expected execute, got ${response.type}`);
  return response.result;
}

function batchResult(result: StreamResult | undefined): WireBatchResult {
  const response = ok(result);
  if (response.type !== 'batch') throw new Error(`expected batch, got ${response.type}`);
  return response.result;
}

const exec = (sql: string, extra: Record<string, unknown> = {}) => ({
  type: 'execute',
  stmt: { sql, ...extra },
});

describe('endpoints', () => {
  it('answers 404 on the v3 probes and serves v2 only', async () => {
    expect((await fetch(`${server.url}/v3-protobuf`)).status).toBe(404);
    expect((await fetch(`${server.url}/v3`)).status).toBe(404);
    expect((await fetch(`${server.url}/v2`)).status).toBe(200);
    expect((await fetch(`${server.url}/v2/pipeline`)).status).toBe(405);
  });

  it('rejects bodies that are not a pipeline with 400 and a JSON error', async () => {
    const bad = await post({
      requests: [{ type: 'execute', stmt: { sql: 'SELECT 1', args: [{ type: 'bool' }] } }],
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toBe('application/json');
    expect(await bad.json()).toMatchObject({
      code: 'PROTOCOL_ERROR',
      message: expect.stringContaining('requests.0'),
    });

    const notJson = await fetch(`${server.url}/v2/pipeline`, { method: 'POST', body: '{' });
    expect(notJson.status).toBe(400);
  });

  it('requires the bearer token when one is configured', async () => {
    const guarded = await startHranaServer({ authToken: 's3cret' });
    try {
      const body = { requests: [exec('SELECT 1'), { type: 'close' }] };
      const denied = await post(body, guarded.url);
      expect(denied.status).toBe(401);
      const allowed = await fetch(`${guarded.url}/v2/pipeline`, {
        method: 'POST',
        headers: { authorization: 'Bearer s3cret' },
        body: JSON.stringify(body),
      });
      expect(allowed.status).toBe(200);
    } finally {
      await guarded.close();
    }
  });
});

describe('values', () => {
  it('encodes integers as strings, floats as numbers, blobs as base64', async () => {
    const r = await pipeline([
      exec('SELECT ? AS i, ? AS f, ? AS t, ? AS b, ? AS z, typeof(?) AS ft', {
        args: [
          { type: 'integer', value: '9223372036854775807' },
          { type: 'float', value: 3 },
          { type: 'text', value: 'x' },
          { type: 'blob', base64: 'AP8=' },
          { type: 'null' },
          { type: 'float', value: 3 },
        ],
      }),
      { type: 'close' },
    ]);
    const result = stmtResult(r.results[0]);
    expect(result.cols.map((c) => c.name)).toEqual(['i', 'f', 't', 'b', 'z', 'ft']);
    expect(result.rows[0]).toEqual([
      { type: 'integer', value: '9223372036854775807' },
      { type: 'float', value: 3 },
      { type: 'text', value: 'x' },
      { type: 'blob', base64: 'AP8=' },
      { type: 'null' },
      { type: 'text', value: 'real' },
    ]);
    expect(r.baton).toBeNull();
  });

  it('binds named arguments with or without their prefix, but not together with positional ones', async () => {
    const r = await pipeline([
      exec('SELECT :a AS a, $b AS b', {
        named_args: [
          { name: ':a', value: { type: 'integer', value: '1' } },
          { name: 'b', value: { type: 'integer', value: '2' } },
        ],
      }),
      exec('SELECT :a, ?2', {
        args: [{ type: 'null' }, { type: 'null' }],
        named_args: [{ name: 'a', value: { type: 'null' } }],
      }),
      exec('SELECT :a, ?', { named_args: [{ name: 'a', value: { type: 'null' } }] }),
      { type: 'close' },
    ]);
    expect(stmtResult(r.results[0]).rows[0]).toEqual([
      { type: 'integer', value: '1' },
      { type: 'integer', value: '2' },
    ]);
    expect(r.results[1]).toMatchObject({ type: 'error', error: { code: 'ARGS_BOTH_POSITIONAL_AND_NAMED' } });
    expect(r.results[2]).toMatchObject({ type: 'error', error: { code: 'ARGS_INVALID' } });
  });

  it('skips the rows when want_rows is false but still runs the statement', async () => {
    const r = await pipeline([
      exec("INSERT INTO t (v) VALUES ('a'), ('b') RETURNING id", { want_rows: false }),
      { type: 'close' },
    ]);
    const result = stmtResult(r.results[0]);
    expect(result.rows).toEqual([]);
    expect(result.affected_row_count).toBe(2);
    expect(result.last_insert_rowid).toBe('2');
  });
});

describe('batch conditions', () => {
  it('evaluates ok, error, not, and, or and is_autocommit against earlier steps', async () => {
    const steps = [
      { stmt: { sql: 'SELECT 1' } }, // 0 ok
      { stmt: { sql: 'SELECT * FROM nowhere' } }, // 1 error
      { condition: { type: 'ok', step: 0 }, stmt: { sql: 'SELECT 2' } }, // 2 runs
      { condition: { type: 'ok', step: 1 }, stmt: { sql: 'SELECT 3' } }, // 3 skipped
      { condition: { type: 'error', step: 1 }, stmt: { sql: 'SELECT 4' } }, // 4 runs
      { condition: { type: 'not', cond: { type: 'error', step: 0 } }, stmt: { sql: 'SELECT 5' } }, // 5 runs
      {
        condition: {
          type: 'and',
          conds: [
            { type: 'ok', step: 0 },
            { type: 'error', step: 1 },
          ],
        },
        stmt: { sql: 'SELECT 6' },
      }, // 6 runs
      {
        condition: {
          type: 'or',
          conds: [
            { type: 'ok', step: 1 },
            { type: 'ok', step: 3 },
          ],
        },
        stmt: { sql: 'SELECT 7' },
      }, // 7 skipped (step 3 was skipped, which is not ok)
      { condition: { type: 'is_autocommit' }, stmt: { sql: 'BEGIN' } }, // 8 runs
      { condition: { type: 'is_autocommit' }, stmt: { sql: 'SELECT 9' } }, // 9 skipped: inside BEGIN
      { condition: { type: 'not', cond: { type: 'is_autocommit' } }, stmt: { sql: 'ROLLBACK' } }, // 10 runs
      { condition: { type: 'and', conds: [] }, stmt: { sql: 'SELECT 11' } }, // 11 runs (empty and)
      { condition: { type: 'or', conds: [] }, stmt: { sql: 'SELECT 12' } }, // 12 skipped (empty or)
    ];
    const r = await pipeline([
      { type: 'batch', batch: { steps } },
      { type: 'get_autocommit' },
      { type: 'close' },
    ]);
    const result = batchResult(r.results[0]);
    const ran = result.step_results.map((s) => s !== null);
    const failed = result.step_errors.map((e) => e !== null);
    expect(ran).toEqual([true, false, true, false, true, true, true, false, true, false, true, true, false]);
    expect(failed).toEqual([
      false,
      true,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(result.step_errors[1]).toMatchObject({ code: 'SQLITE_ERROR' });
    expect(result.step_results[2]?.rows).toEqual([[{ type: 'integer', value: '2' }]]);
    expect(ok(r.results[1])).toEqual({ type: 'get_autocommit', is_autocommit: true });
  });

  it('refuses a condition that looks at its own or a later step', async () => {
    const r = await pipeline([
      {
        type: 'batch',
        batch: {
          steps: [
            { stmt: { sql: "INSERT INTO t (v) VALUES ('never')" } },
            { condition: { type: 'ok', step: 1 }, stmt: { sql: 'SELECT 1' } },
          ],
        },
      },
      exec('SELECT count(*) FROM t'),
      { type: 'close' },
    ]);
    expect(r.results[0]).toMatchObject({ type: 'error', error: { code: 'BATCH_COND_INVALID' } });
    expect(stmtResult(r.results[1]).rows[0]).toEqual([{ type: 'integer', value: '0' }]);
  });
});

describe('streams and batons', () => {
  it('carries a transaction across requests with a fresh baton each time', async () => {
    const first = await pipeline([
      exec('BEGIN'),
      exec("INSERT INTO t (v) VALUES ('x')"),
      { type: 'get_autocommit' },
    ]);
    expect(ok(first.results[2])).toEqual({ type: 'get_autocommit', is_autocommit: false });
    expect(first.baton).toEqual(expect.any(String));

    const second = await pipeline([exec('SELECT count(*) FROM t')], first.baton);
    expect(stmtResult(second.results[0]).rows[0]).toEqual([{ type: 'integer', value: '1' }]);
    expect(second.baton).not.toBe(first.baton);

    // A baton is good once: replaying it is refused like an expired stream.
    const replay = await post({ baton: first.baton, requests: [exec('SELECT 1')] });
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ code: 'STREAM_EXPIRED' });

    // Another stream does not see the uncommitted row.
    const outside = await pipeline([exec('SELECT count(*) FROM t'), { type: 'close' }]);
    expect(stmtResult(outside.results[0]).rows[0]).toEqual([{ type: 'integer', value: '0' }]);

    const last = await pipeline(
      [exec('COMMIT'), { type: 'get_autocommit' }, { type: 'close' }],
      second.baton,
    );
    expect(ok(last.results[1])).toEqual({ type: 'get_autocommit', is_autocommit: true });
    expect(last.baton).toBeNull();

    const after = await pipeline([exec('SELECT v FROM t'), { type: 'close' }]);
    expect(stmtResult(after.results[0]).rows).toEqual([[{ type: 'text', value: 'x' }]]);
  });

  it('expires an idle stream and rolls its transaction back', async () => {
    const open = await pipeline([exec('BEGIN'), exec("INSERT INTO t (v) VALUES ('lost')")]);
    expect(server.openStreams()).toBe(1);
    await new Promise((r) => setTimeout(r, 500));
    expect(server.openStreams()).toBe(0);
    const late = await post({ baton: open.baton, requests: [exec('COMMIT')] });
    expect(late.status).toBe(400);
    expect(await late.json()).toMatchObject({ code: 'STREAM_EXPIRED' });
    const check = await pipeline([exec('SELECT count(*) FROM t'), { type: 'close' }]);
    expect(stmtResult(check.results[0]).rows[0]).toEqual([{ type: 'integer', value: '0' }]);
  });

  it('answers requests after close in the same pipeline with an error', async () => {
    const r = await pipeline([{ type: 'close' }, exec('SELECT 1')]);
    expect(ok(r.results[0])).toEqual({ type: 'close' });
    expect(r.results[1]).toMatchObject({ type: 'error', error: { code: 'STREAM_CLOSED' } });
    expect(r.baton).toBeNull();
  });

  it('stores SQL texts per stream and forgets them on close_sql', async () => {
    const r = await pipeline([
      { type: 'store_sql', sql_id: 7, sql: 'SELECT ? + 1' },
      { type: 'execute', stmt: { sql_id: 7, args: [{ type: 'integer', value: '41' }] } },
      { type: 'store_sql', sql_id: 7, sql: 'SELECT 0' },
      { type: 'close_sql', sql_id: 7 },
      { type: 'execute', stmt: { sql_id: 7 } },
      { type: 'close' },
    ]);
    expect(stmtResult(r.results[1]).rows[0]).toEqual([{ type: 'integer', value: '42' }]);
    expect(r.results[2]).toMatchObject({ type: 'error', error: { code: 'SQL_EXISTS' } });
    expect(r.results[4]).toMatchObject({ type: 'error', error: { code: 'SQL_NOT_FOUND' } });
  });

  it('runs a sequence up to its first error', async () => {
    const r = await pipeline([
      {
        type: 'sequence',
        sql: "INSERT INTO t (v) VALUES ('s1'); INSERT INTO t (v) VALUES ('s1'); INSERT INTO t (v) VALUES ('s3');",
      },
      exec('SELECT v FROM t'),
      { type: 'close' },
    ]);
    expect(r.results[0]).toMatchObject({ type: 'error', error: { code: 'SQLITE_CONSTRAINT' } });
    expect(stmtResult(r.results[1]).rows).toEqual([[{ type: 'text', value: 's1' }]]);
  });

  it('describes parameters, columns and whether a statement writes', async () => {
    const r = await pipeline([
      { type: 'describe', sql: 'SELECT id, v AS value FROM t WHERE id = :id OR v = ?' },
      { type: 'describe', sql: 'INSERT INTO t (v) VALUES (?1)' },
      { type: 'describe', sql: 'EXPLAIN SELECT 1' },
      { type: 'close' },
    ]);
    expect(ok(r.results[0])).toEqual({
      type: 'describe',
      result: {
        params: [{ name: ':id' }, { name: null }],
        cols: [
          { name: 'id', decltype: 'INTEGER' },
          { name: 'value', decltype: 'TEXT' },
        ],
        is_explain: false,
        is_readonly: true,
      },
    });
    expect(ok(r.results[1])).toMatchObject({
      result: { params: [{ name: '?1' }], cols: [], is_readonly: false },
    });
    expect(ok(r.results[2])).toMatchObject({ result: { is_explain: true, is_readonly: true } });
  });
});

describe('locks', () => {
  it('gives up on a held write lock with SQLITE_BUSY and leaves the stream usable', async () => {
    const holder = await pipeline([exec('BEGIN IMMEDIATE'), exec("INSERT INTO t (v) VALUES ('holder')")]);
    const started = Date.now();
    const waiter = await pipeline([exec("INSERT INTO t (v) VALUES ('waiter')")]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(waiter.results[0]).toMatchObject({ type: 'error', error: { code: 'SQLITE_BUSY' } });

    await pipeline([exec('COMMIT'), { type: 'close' }], holder.baton);
    // The same stream writes again once the lock is free, and the write is committed for everyone.
    const again = await pipeline(
      [exec("INSERT INTO t (v) VALUES ('waiter')"), { type: 'close' }],
      waiter.baton,
    );
    expect(stmtResult(again.results[0]).affected_row_count).toBe(1);
    const check = await pipeline([exec('SELECT v FROM t ORDER BY id'), { type: 'close' }]);
    expect(stmtResult(check.results[0]).rows.map((row) => row[0])).toEqual([
      { type: 'text', value: 'holder' },
      { type: 'text', value: 'waiter' },
    ]);
  });

  it('lets a transaction whose snapshot went stale end cleanly', async () => {
    const client = createClient({ url: server.url });
    try {
      const tx = await client.transaction('deferred');
      await tx.execute('SELECT count(*) FROM t');
      await client.execute("INSERT INTO t (v) VALUES ('elsewhere')");
      const error = await tx.execute("INSERT INTO t (v) VALUES ('stale')").catch((e) => e);
      expect(error).toBeInstanceOf(LibsqlError);
      expect(error.code).toBe('SQLITE_BUSY');
      await tx.commit();
      const rows = (await client.execute('SELECT v FROM t')).rows.map((row) => row.v);
      expect(rows).toEqual(['elsewhere']);
      await client.execute("INSERT INTO t (v) VALUES ('later')");
      expect((await client.execute('SELECT count(*) AS n FROM t')).rows[0]?.n).toBe(2);
    } finally {
      client.close();
    }
  });
});
