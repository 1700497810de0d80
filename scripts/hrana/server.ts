/**
 * A local stand-in for sqld/Turso: Hrana over HTTP (protocol v2, JSON) on top of an embedded libSQL
 * database file, so code that talks to its database through `@libsql/client/web` (the Worker, inside
 * workerd) runs against a real SQL engine in tests.
 *
 * `@libsql/client/web` 0.18 speaks v2 JSON over `POST /v2/pipeline` (it only probes `/v3-protobuf` when
 * asked for protocol 3, and treats a 404 there as "v2 only"), so that is all this server offers. Each
 * stream gets its own connection (see hrana-stream.ts) and is named by a baton that changes on every
 * response; a stream left idle longer than `streamIdleMs` is closed, rolling back its transaction.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'libsql';
import { type PipelineResponse, parsePipelineRequest, type StreamResult, type WireError } from './protocol';
import { StreamConnection, toWireError } from './stream';

/** Options of {@link startHranaServer}. */
export interface HranaServerOptions {
  /** `file:` URL or path of the database; `:memory:` (the default) uses a fresh temp file removed on close. */
  dbUrl?: string;
  /** When set, every pipeline request must carry `Authorization: Bearer <authToken>`. */
  authToken?: string;
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  /** Idle time after which a stream expires (sqld uses 10 s). */
  streamIdleMs?: number;
  /** How long a statement waits for another stream's write lock before failing with SQLITE_BUSY. */
  busyTimeoutMs?: number;
  /**
   * Tests only: `POST /__hrana/outage` with `{"down": true|false}` makes every pipeline request answer
   * 503 (a database outage), and `GET /__hrana/stats` counts pipeline requests (subrequests of a Worker).
   */
  control?: boolean;
}

/** A running server. */
export interface HranaServer {
  /** Base URL for `createClient({ url })` from `@libsql/client/web`, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** Path of the database file the server serves. */
  dbPath: string;
  /** Number of open streams (interactive transactions in flight and the like); for tests. */
  openStreams(): number;
  /** Pipeline requests answered so far (each is one HTTP round trip of a client). */
  pipelineRequests(): number;
  /** While down, every pipeline request answers 503, as a database outage would. */
  setDown(down: boolean): void;
  /** Closes every stream and connection, stops listening, and removes a temp database. */
  close(): Promise<void>;
}

const maxBodyBytes = 32 * 1024 * 1024;

/** Resolves a `file:` URL (or bare path) to a path; `undefined` for an in-memory URL. */
function dbPathFromUrl(dbUrl: string): string | undefined {
  let path = dbUrl.startsWith('file:') ? dbUrl.slice('file:'.length) : dbUrl;
  path = path.replace(/[?#].*$/, '');
  if (path.startsWith('//')) {
    // file://localhost/x or file:///x: drop the (empty or local) authority.
    path = path.replace(/^\/\/(localhost)?/, '');
  }
  if (path === ':memory:' || path === '') return undefined;
  return resolve(decodeURIComponent(path));
}

/**
 * Starts the server. In-memory databases become a temp file, because every stream needs its own
 * connection and an in-memory database exists only on the connection that opened it.
 */
export async function startHranaServer(options: HranaServerOptions = {}): Promise<HranaServer> {
  const streamIdleMs = options.streamIdleMs ?? 10_000;
  const busyTimeoutMs = options.busyTimeoutMs ?? 5_000;
  const fromUrl = dbPathFromUrl(options.dbUrl ?? ':memory:');
  const tempDir = fromUrl === undefined ? mkdtempSync(join(tmpdir(), 'hrana-')) : undefined;
  const dbPath = fromUrl ?? join(tempDir as string, 'db.sqlite');

  // Held open for the server's lifetime: WAL lets readers and one writer work side by side (as on
  // sqld), and an always-open connection keeps the WAL from being torn down between requests.
  const keeper = new Database(dbPath);
  keeper.exec('PRAGMA journal_mode=WAL');

  const streams = new Map<string, { conn: StreamConnection; timer: NodeJS.Timeout }>();
  const live = new Set<StreamConnection>();

  const park = (conn: StreamConnection): string => {
    const baton = randomBytes(18).toString('base64url');
    const timer = setTimeout(() => {
      streams.delete(baton);
      closeConn(conn);
    }, streamIdleMs);
    timer.unref();
    streams.set(baton, { conn, timer });
    return baton;
  };

  const closeConn = (conn: StreamConnection) => {
    live.delete(conn);
    try {
      conn.close();
    } catch (e) {
      console.error('hrana-server: closing a stream failed', e);
    }
  };

  const handlePipeline = async (body: unknown): Promise<{ status: number; json: unknown }> => {
    const parsed = parsePipelineRequest(body);
    if (!parsed.ok) return { status: 400, json: { message: parsed.message, code: 'PROTOCOL_ERROR' } };
    const { baton, requests } = parsed.value;

    let conn: StreamConnection;
    if (baton != null) {
      const entry = streams.get(baton);
      if (entry === undefined) {
        const error: WireError = {
          message: 'The stream has expired due to inactivity or the baton is not valid',
          code: 'STREAM_EXPIRED',
        };
        return { status: 400, json: error };
      }
      // A baton is good for one request: taking it out also stops a concurrent reuse.
      streams.delete(baton);
      clearTimeout(entry.timer);
      conn = entry.conn;
    } else {
      conn = new StreamConnection(dbPath, { busyTimeoutMs });
      live.add(conn);
    }

    const results: StreamResult[] = [];
    let open = true;
    for (const request of requests) {
      if (request.type === 'close') {
        if (open) closeConn(conn);
        open = false;
        results.push({ type: 'ok', response: { type: 'close' } });
        continue;
      }
      if (!open || conn.closed) {
        results.push({ type: 'error', error: { message: 'The stream is closed', code: 'STREAM_CLOSED' } });
        continue;
      }
      try {
        results.push({ type: 'ok', response: await conn.handle(request) });
      } catch (e) {
        results.push({ type: 'error', error: toWireError(e) });
      }
    }
    const response: PipelineResponse = {
      baton: open && !conn.closed ? park(conn) : null,
      base_url: null,
      results,
    };
    return { status: 200, json: response };
  };

  const authorized = (req: IncomingMessage): boolean => {
    if (options.authToken === undefined) return true;
    const expected = Buffer.from(`Bearer ${options.authToken}`);
    const given = Buffer.from(req.headers.authorization ?? '');
    return given.length === expected.length && timingSafeEqual(given, expected);
  };

  let pipelineRequests = 0;
  let down = false;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (options.control && path === '/__hrana/stats')
      return sendJson(res, 200, { pipelineRequests, down, openStreams: live.size });
    if (options.control && path === '/__hrana/outage' && req.method === 'POST') {
      down = (JSON.parse((await readBody(req)) || '{}') as { down?: unknown }).down === true;
      return sendJson(res, 200, { down });
    }
    if (req.method === 'GET' && (path === '/' || path === '/health'))
      return send(res, 200, 'text/plain', 'ok');
    // The version check of a v2 client; v3 paths answer 404, which clients read as "v2 only".
    if (req.method === 'GET' && path === '/v2') return send(res, 200, 'text/plain', 'ok');
    if (path !== '/v2/pipeline') return send(res, 404, 'text/plain', 'Not found');
    if (req.method !== 'POST') return send(res, 405, 'text/plain', 'Method not allowed');
    pipelineRequests += 1;
    if (down) return send(res, 503, 'text/plain', 'Service unavailable (simulated outage)');
    // Turso answers a bad token with a plain 401, which the client surfaces as SERVER_ERROR.
    if (!authorized(req))
      return send(res, 401, 'text/plain', 'Unauthorized: the token is missing or not valid');
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req));
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      return sendJson(res, 400, { message: `Invalid JSON body: ${message}`, code: 'PROTOCOL_ERROR' });
    }
    const { status, json } = await handlePipeline(body);
    return sendJson(res, status, json);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      console.error('hrana-server: request failed', e);
      if (!res.headersSent) sendJson(res, 500, { message: String(e), code: 'INTERNAL' });
      else res.destroy();
    });
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  const { port } = server.address() as AddressInfo;

  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    dbPath,
    openStreams: () => live.size,
    pipelineRequests: () => pipelineRequests,
    setDown: (value) => {
      down = value;
    },
    close() {
      closing ??= (async () => {
        await new Promise<void>((done) => {
          server.close(() => done());
          server.closeAllConnections();
        });
        for (const { timer } of streams.values()) clearTimeout(timer);
        streams.clear();
        for (const conn of [...live]) closeConn(conn);
        keeper.close();
        if (tempDir !== undefined) rmSync(tempDir, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        reject(new Error(`body larger than ${maxBodyBytes} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, json: unknown): void {
  // Exactly `application/json`: the client only reads an error body as JSON under that exact type.
  send(res, status, 'application/json', JSON.stringify(json));
}
