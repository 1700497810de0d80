/**
 * The Worker build itself, inside workerd: its fetch and scheduled handlers against a real libSQL
 * database reached over HTTP (the Hrana server from global-setup.ts), as in production with Turso.
 */

import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
  getQueueResult,
  waitOnExecutionContext,
} from 'cloudflare:test';
import { env, exports } from 'cloudflare:workers';
import { createClient } from '@libsql/client/web';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { SyncMessage } from '../../src/deps';
import worker, { type Env } from '../../src/worker';

// Local mode serves loopback hosts only, so requests are addressed to localhost.
const origin = 'http://localhost';
const CRON = '*/15 * * * *';

// The test's own line to the database, to check what the Worker wrote.
const db = createClient({ url: inject('hranaUrl') });
afterAll(() => db.close());

interface Health {
  status: string;
  version: string;
  db: { ok: boolean; latencyMs: number };
  lastCron: { cron: string; at: string; runs: number } | null;
}

async function health(): Promise<Health> {
  const res = await exports.default.fetch(`${origin}/health`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return (await res.json()) as Health;
}

async function runCron(scheduledTime: number): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron: CRON, scheduledTime }), env, ctx);
  // `scheduled` hands the work to waitUntil; the run is only over when that settles.
  await waitOnExecutionContext(ctx);
}

describe('fetch', () => {
  it('serves the dashboard with the BlueJeans Connections card', async () => {
    const res = await exports.default.fetch(`${origin}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('<h1>Connections</h1>');
    expect(html).toContain('id="bluejeans-card"');
    expect(html).toContain('<h2 id="bluejeans-card-title">BlueJeans</h2>');
    // The page came from the database: the card's connection row now exists there.
    const rows = await db.execute("SELECT vendor, state FROM connections WHERE vendor = 'bluejeans'");
    expect(rows.rows.map((r) => [r.vendor, r.state])).toEqual([['bluejeans', 'disconnected']]);
  });

  it('reports health with a real database round trip', async () => {
    const body = await health();
    expect(body).toMatchObject({ status: 'ok', version: expect.any(String), db: { ok: true } });
    expect(body.db.latencyMs).toEqual(expect.any(Number));
    expect(body).toHaveProperty('lastCron');
  });

  it('answers an unknown route with the 404 page', async () => {
    const res = await exports.default.fetch(`${origin}/no/such/page`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('Page not found');
    expect(html).toContain('<code>/no/such/page</code>');
  });
});

describe('credential checks on Workers (the Rate Limiting binding)', () => {
  it('allow 5 a minute per organization and client address, then 429 with a message and no request to BlueJeans', async () => {
    const address = '203.0.113.9';
    const attempt = () =>
      exports.default.fetch(`${origin}/connections/bluejeans`, {
        method: 'POST',
        headers: { origin, 'content-type': 'application/x-www-form-urlencoded', 'cf-connecting-ip': address },
        body: new URLSearchParams({ appKey: 'demo-app-key', appSecret: 'not-the-secret' }),
      });
    const simRequests = async () =>
      ((await (await fetch(`${inject('simUrl')}/__sim/stats`)).json()) as { requests: number }).requests;
    for (let i = 0; i < 5; i++) {
      const res = await attempt();
      expect(res.status).toBe(422);
      await res.text();
    }
    const before = await simRequests();
    const over = await attempt();
    expect(over.status).toBe(429);
    expect(over.headers.get('retry-after')).toBe('60');
    expect(await over.text()).toContain('Too many attempts to verify credentials (at most 5 a minute)');
    expect(await simRequests()).toBe(before);
    // Counted by the binding: the database counter never saw this address.
    const rows = await db.execute({
      sql: 'SELECT count(*) AS n FROM rate_limits WHERE key LIKE ?',
      args: [`verify:%:${address}`],
    });
    expect(Number(rows.rows[0]?.n)).toBe(0);
  });
});

describe('scheduled', () => {
  it('records a heartbeat that /health reports as the last cron run', async () => {
    const before = (await health()).lastCron?.runs ?? 0;
    const later = Date.UTC(2031, 0, 2, 3, 15);
    const earlier = Date.UTC(2031, 0, 2, 3, 0);
    await runCron(later);
    // A late delivery of an older firing must not move the heartbeat back.
    await runCron(earlier);

    const { lastCron } = await health();
    expect(lastCron).toEqual({ cron: CRON, at: new Date(later).toISOString(), runs: before + 2 });
    const stored = await db.execute({
      sql: 'SELECT last_run_at, runs FROM cron_heartbeats WHERE cron = ?',
      args: [CRON],
    });
    expect(stored.rows.map((r) => [r.last_run_at, r.runs])).toEqual([[later, before + 2]]);
  });
});

// The Worker's other half: the Sync queue as wrangler.toml configures it, and its dead-letter queue.
const hranaUrl = inject('hranaUrl');
const simUrl = inject('simUrl');
const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields),
  redirect: 'manual' as const,
});

async function connectionRow() {
  const { rows } = await db.execute(
    "SELECT id, state, last_synced_at, last_error FROM connections WHERE vendor = 'bluejeans'",
  );
  return rows[0]!;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Subrequests seen by the database server and the simulator so far. */
async function subrequests(): Promise<number> {
  const h = (await (await fetch(`${hranaUrl}/__hrana/stats`)).json()) as { pipelineRequests: number };
  const s = (await (await fetch(`${simUrl}/__sim/stats`)).json()) as { requests: number };
  return h.pipelineRequests + s.requests;
}

async function setDatabaseDown(down: boolean): Promise<void> {
  const res = await fetch(`${hranaUrl}/__hrana/outage`, { method: 'POST', body: JSON.stringify({ down }) });
  expect(res.status).toBe(200);
}

/** The Worker with its queue producer replaced by a list, so a test delivers each message itself. */
function capturedQueueEnv() {
  const sent: SyncMessage[] = [];
  const queue = {
    send: async (body: SyncMessage) => {
      sent.push(body);
    },
    sendBatch: async (batch: Iterable<MessageSendRequest<SyncMessage>>) => {
      for (const m of batch) sent.push(m.body);
    },
  } as unknown as Queue;
  return { env: { ...env, SYNC_QUEUE: queue } as Env, sent };
}

let nextId = 0;
async function deliver(e: Env, queueName: string, bodies: SyncMessage[], attempts = 1) {
  const batch = createMessageBatch<SyncMessage>(
    queueName,
    bodies.map((body) => ({ id: `m${++nextId}`, timestamp: new Date(), attempts, body })),
  );
  // workerd's queue result names retried messages but not their delays: note what the Worker asked for.
  const delays: (number | undefined)[] = [];
  const messages = batch.messages.map((m) => ({
    id: m.id,
    timestamp: m.timestamp,
    attempts: m.attempts,
    body: m.body,
    ack: () => m.ack(),
    retry: (o?: QueueRetryOptions) => {
      delays.push(o?.delaySeconds);
      m.retry(o);
    },
  }));
  const observed = {
    queue: batch.queue,
    messages,
    ackAll: () => batch.ackAll(),
    retryAll: () => batch.retryAll(),
  };
  const ctx = createExecutionContext();
  await worker.queue(observed as unknown as MessageBatch<SyncMessage>, e);
  return { ...(await getQueueResult(batch, ctx)), delays };
}

async function workerFetch(e: Env, path: string, init?: RequestInit): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(`${origin}${path}`, init) as Parameters<typeof worker.fetch>[0],
    e,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return res;
}

/**
 * What legitimately differs between two deployments' renderings of the same data, and nothing else:
 * per-request CSRF tokens and CSP nonces, random ids (the connection's id is minted at connect time, so
 * each build's differs), and the moments each build's own sync started and finished (the freshness line
 * only: "Data as of" and "Last successful sync"; the two syncs ran one after the other). Asset URLs
 * carry the version, the same in both builds; every figure, date and user row is compared as it is.
 */
function normalise(html: string): string {
  return html
    .replace(/(<div id="usage-freshness"[\s\S]*?<\/div>)/, (block) =>
      block
        .replace(/<time datetime="[^"]*">[^<]*<\/time>/g, '<time>SYNC TIME</time>')
        .replace(/<span class="muted">\([^)]*\)<\/span>/g, '<span class="muted">(AGO)</span>'),
    )
    .replace(/(name="(?:csrf|_csrf)"[^>]*value=")[^"]*"/g, '$1CSRF"')
    .replace(/("csrf(?:Token)?"\s*:\s*")[^"]*"/gi, '$1CSRF"')
    .replace(/nonce="[^"]*"/g, 'nonce="NONCE"')
    .replace(/\bcon_[0-9a-z]+/g, 'con_ID');
}

describe('queue', () => {
  it('connect, consent and Sync now: the platform queue carries every slice until the sync is done', async () => {
    const verify = await exports.default.fetch(
      `${origin}/connections/bluejeans`,
      form({ appKey: 'demo-app-key', appSecret: 'demo-app-secret' }),
    );
    expect(verify.status).toBe(200);
    const consent = await verify.text();
    expect(consent).toContain('Allow Seatwise to read this BlueJeans account?');
    const pending = consent.match(/name="pending"[^>]*value="([^"]*)"/)?.[1] ?? '';
    const confirm = await exports.default.fetch(
      `${origin}/connections/bluejeans/confirm`,
      form({ pending: pending.replace(/&amp;/g, '&') }),
    );
    expect(confirm.status).toBe(303);

    const sync = await exports.default.fetch(`${origin}/connections/bluejeans/sync`, form({}));
    expect(sync.status).toBeLessThan(400);
    const done = await until('the queued sync to finish', async () => {
      const row = await connectionRow();
      return row.state === 'connected' && row.last_synced_at != null ? row : undefined;
    });
    expect(done.last_error).toBeNull();
    const runs = await db.execute('SELECT trigger, status, slices, requests FROM sync_runs');
    expect(runs.rows.map((r) => [r.trigger, r.status])).toEqual([['manual', 'succeeded']]);
    // More than one slice: the consumer enqueued continuations and the queue delivered them.
    expect(Number(runs.rows[0]?.slices)).toBeGreaterThan(1);
    const users = await db.execute('SELECT count(*) AS n FROM bj_users');
    expect(Number(users.rows[0]?.n)).toBe(60);

    const usage = await exports.default.fetch(`${origin}/usage/users`);
    expect(usage.status).toBe(200);
    const usageHtml = await usage.text();
    expect(usageHtml).toContain('<table');
    const csv = await exports.default.fetch(`${origin}/usage/users.csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const csvText = await csv.text();
    // A header line and one line per licensed user.
    expect(csvText.trim().split(/\r?\n/).length).toBe(61);

    // The Node build, through the same path against the same simulator, shows exactly the same.
    const twinRes = await fetch(`${inject('twinUrl')}/run`, { method: 'POST' });
    expect(twinRes.status).toBe(200);
    const twin = (await twinRes.json()) as {
      usageHtml: string;
      csv: string;
      csvHeaders: Record<string, string>;
    };
    expect(csvText).toBe(twin.csv);
    expect(csv.headers.get('content-type')).toBe(twin.csvHeaders['content-type']);
    expect(csv.headers.get('content-disposition')).toBe(twin.csvHeaders['content-disposition']);
    expect(normalise(usageHtml)).toBe(normalise(twin.usageHtml));
  }, 90_000);

  it('reclaim: a confirmed selection becomes a reclaim message the platform queue delivers until the job is done', async () => {
    const allow = await exports.default.fetch(`${origin}/licences/settings`, form({ allowRemoval: 'yes' }));
    expect(allow.status).toBe(303);
    const { rows } = await db.execute(
      'SELECT user_id FROM bj_users WHERE is_enterprise_admin = 0 AND removed_at IS NULL ORDER BY user_id LIMIT 2',
    );
    const ids = rows.map((r) => String(r.user_id));
    const body = new URLSearchParams([...ids.map((id) => ['userId', id]), ['confirm', '2']]);
    const started = await exports.default.fetch(`${origin}/licences/reclaim`, {
      ...form({}),
      body,
    });
    expect(started.status).toBe(303);
    const jobId = /\/licences\/reclaim\/([^/?]+)/.exec(started.headers.get('location') ?? '')?.[1] ?? '';
    const job = await until('the queued reclaim to finish', async () => {
      const r = await db.execute({
        sql: 'SELECT status, finished_at FROM reclaim_jobs WHERE id = ?',
        args: [jobId],
      });
      return r.rows[0]?.finished_at != null ? r.rows[0] : undefined;
    });
    expect(job.status).toBe('done');
    const items = await db.execute({
      sql: 'SELECT status FROM reclaim_items WHERE job_id = ?',
      args: [jobId],
    });
    expect(items.rows.map((r) => r.status)).toEqual(['removed', 'removed']);
    const stats = (await (await fetch(`${simUrl}/__sim/stats`)).json()) as { removedUserIds: number[] };
    for (const id of ids) expect(stats.removedUserIds.map(String)).toContain(id);
  });

  it('a database outage: delayed retries, then the dead letter puts sync_error on the card; afterwards Sync now completes', async () => {
    const { env: e, sent } = capturedQueueEnv();
    const now = await workerFetch(e, '/connections/bluejeans/sync', form({}));
    expect(now.status).toBeLessThan(400);
    expect(sent).toEqual([{ type: 'sync', connectionId: (await connectionRow()).id, trigger: 'manual' }]);
    const message = sent.shift()!;

    await setDatabaseDown(true);
    try {
      const delays: (number | undefined)[] = [];
      for (const attempts of [1, 2, 3]) {
        const result = await deliver(e, 'seatwise-sync', [message], attempts);
        expect(result.explicitAcks).toEqual([]);
        expect(result.retryMessages).toHaveLength(1);
        delays.push(...result.delays);
      }
      expect(delays).toEqual([10, 20, 40]);
      // The dead-letter consumer cannot record anything yet either: it retries too.
      const early = await deliver(e, 'seatwise-sync-dlq', [message]);
      expect(early.retryMessages).toHaveLength(1);
      expect(early.delays).toEqual([10]);
    } finally {
      await setDatabaseDown(false);
    }
    const dead = await deliver(e, 'seatwise-sync-dlq', [message], 2);
    expect(dead.explicitAcks).toHaveLength(1);
    const row = await connectionRow();
    expect(row.state).toBe('sync_error');
    expect(String(row.last_error)).toContain('failed deliveries');
    const card = await exports.default.fetch(`${origin}/connections/bluejeans/card`);
    const html = await card.text();
    expect(html).toContain('Sync error, retrying');
    expect(html).toContain('failed deliveries');

    // The database is back: Sync now resumes the open run, slice by slice, to the end.
    const again = await workerFetch(e, '/connections/bluejeans/sync', form({}));
    expect(again.status).toBeLessThan(400);
    let invocations = 0;
    let most = 0;
    while (sent.length > 0 && invocations < 200) {
      const before = await subrequests();
      const result = await deliver(e, 'seatwise-sync', sent.splice(0, 5));
      most = Math.max(most, (await subrequests()) - before);
      expect(result.retryMessages).toEqual([]);
      invocations += 1;
    }
    const fin = await connectionRow();
    expect(fin.state).toBe('connected');
    expect(fin.last_error).toBeNull();
    console.log(`workerd: ${invocations} consumer invocations, at most ${most} subrequests in one`);
  });
});

describe('subrequest budget (WORKERS_PLAN=free)', () => {
  it('a full sync keeps every consumer invocation within 50 subrequests, batches of five messages included', async () => {
    const { env: e, sent } = capturedQueueEnv();
    expect(e.WORKERS_PLAN).toBe('free');
    // Forget every checkpoint: the next run walks the whole first look-back again (a full sync).
    await db.execute('DELETE FROM sync_checkpoints');
    const now = await workerFetch(e, '/connections/bluejeans/sync', form({}));
    expect(now.status).toBeLessThan(400);
    expect(sent).toHaveLength(1);
    // At-least-once delivery: the platform may hand the same message over several times in one batch.
    const first = sent.shift()!;
    sent.push(first, first, first, first, first);
    const perInvocation: number[] = [];
    let fullBatches = 0;
    while (sent.length > 0 && perInvocation.length < 300) {
      const batch = sent.splice(0, 5);
      if (batch.length === 5) fullBatches += 1;
      // Real requests as the database server and the simulator received them: every fetch the
      // invocation made, whichever code made it.
      const before = await subrequests();
      const result = await deliver(e, 'seatwise-sync', batch);
      perInvocation.push((await subrequests()) - before);
      expect(result.retryMessages).toEqual([]);
    }
    const row = await connectionRow();
    expect(row.state).toBe('connected');
    expect(row.last_error).toBeNull();
    const runs = await db.execute(
      "SELECT status, slices FROM sync_runs WHERE trigger = 'manual' ORDER BY started_at DESC LIMIT 1",
    );
    expect(runs.rows[0]?.status).toBe('succeeded');
    const users = await db.execute('SELECT count(*) AS n FROM bj_users');
    expect(Number(users.rows[0]?.n)).toBe(60);
    expect(fullBatches).toBeGreaterThan(0);
    expect(Math.max(...perInvocation)).toBeLessThanOrEqual(50);
    console.log(
      `workerd free plan: ${perInvocation.length} invocations, subrequests per invocation max ${Math.max(...perInvocation)}, ` +
        `total ${perInvocation.reduce((a, b) => a + b, 0)}, slices ${runs.rows[0]?.slices}`,
    );
  });
});
