import { describe, expect, it } from 'vitest';
import { type CallSpec, createClient, type TokenSource } from '../../src/connectors/bluejeans/client';
import { type BlueJeansConfigInput, resolveConfig } from '../../src/connectors/bluejeans/config';
import { ErrorBody } from '../../src/connectors/bluejeans/schemas';
import { ConnectorError } from '../../src/connectors/types';
import { createRequestBudget } from '../../src/lib/request-budget';
import { createTokenBucket } from '../../src/lib/token-bucket';
import { manualClock } from './support';

type Reply = Response | (() => Response | Promise<Response>) | Error;

/** A fetch that answers from a script and records what it was asked. */
function scripted(...replies: Reply[]) {
  const seen: Request[] = [];
  const fetch = async (input: Request | string | URL, init?: RequestInit) => {
    seen.push(new Request(input, init));
    const r = replies.length > 1 ? replies.shift() : replies[0];
    if (r === undefined) throw new Error('script exhausted');
    if (r instanceof Error) throw r;
    return typeof r === 'function' ? r() : r.clone();
  };
  return { fetch, seen };
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });

function setup(
  fetch: ReturnType<typeof scripted>['fetch'],
  config: BlueJeansConfigInput = {},
  budget?: number,
) {
  const clock = manualClock();
  const client = createClient({
    fetch,
    clock,
    config: resolveConfig({ apiBase: 'https://bj.example/', backoffBaseMs: 1000, ...config }),
    limiter: createTokenBucket({ ratePerSecond: 1000, burst: 1000, clock }),
    budget: budget === undefined ? undefined : createRequestBudget(budget),
    random: () => 0.5,
  });
  return { client, clock };
}

const spec = (over: Partial<CallSpec<typeof ErrorBody>> = {}): CallSpec<typeof ErrorBody> => ({
  operationId: 'testOp',
  method: 'GET',
  path: '/v1/thing',
  auth: { kind: 'bearer', token: 'tok-123456' },
  context: { call: 'data', method: 'client_credentials' },
  schema: ErrorBody,
  ...over,
});

async function failure(p: Promise<unknown>): Promise<ConnectorError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ConnectorError);
    return e as ConnectorError;
  }
  throw new Error('expected a ConnectorError');
}

describe('client requests', () => {
  it('uses the configured base, a Seatwise user agent, the bearer header and app_name when asked', async () => {
    const s = scripted(json({ message: 'ok' }));
    const { client } = setup(s.fetch, { appName: 'seatwise-test' });
    await client.call(spec({ query: { a: 1, skip: undefined }, appName: true }));
    const req = s.seen[0] as Request;
    const url = new URL(req.url);
    expect(url.origin + url.pathname).toBe('https://bj.example/v1/thing');
    expect(url.searchParams.get('a')).toBe('1');
    expect(url.searchParams.has('skip')).toBe(false);
    expect(url.searchParams.get('app_name')).toBe('seatwise-test');
    expect(req.headers.get('user-agent')).toMatch(/Seatwise/);
    expect(req.headers.get('authorization')).toBe('Bearer tok-123456');
    expect(req.headers.get('accept')).toBe('application/json');
  });

  it('gives every request a timeout and reports silence as unreachable', async () => {
    const s = scripted(
      () =>
        new Promise<Response>((_, reject) => {
          // Resolves only through the abort signal the client must have attached.
          const req = s.seen.at(-1) as Request;
          req.signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        }),
    );
    const { client } = setup(s.fetch, { timeoutMs: 30, maxRetries: 0 });
    const e = await failure(client.call(spec()));
    expect(e.kind).toBe('transient');
    expect(e.code).toBe('unreachable');
    expect(e.message).toMatch(/did not answer/);
  });

  it('honours Retry-After in seconds and as an HTTP date (the clock shows the waits)', async () => {
    const { clock: c0 } = setup(scripted().fetch);
    const later = new Date(c0.now() + 7000).toUTCString();
    const s = scripted(
      json({ message: 'slow down' }, 429, { 'Retry-After': '3' }),
      json({ message: 'slow down' }, 429, { 'Retry-After': later }),
      json({ message: 'ok' }),
    );
    const { client, clock } = setup(s.fetch);
    await expect(client.call(spec())).resolves.toEqual({ message: 'ok' });
    // The second Retry-After is a date 7 s after the start; 3 s were already spent.
    expect(clock.slept).toEqual([3000, 4000]);
    expect(s.seen).toHaveLength(3);
  });

  it('backs off exponentially with full jitter on 5xx, network errors and non-JSON bodies', async () => {
    const s = scripted(
      json({ message: 'down' }, 500),
      new TypeError('fetch failed'),
      new Response('<html>502</html>', { status: 200 }),
      new Response('{"truncated', { status: 200 }),
      json({ message: 'ok' }),
    );
    const { client, clock } = setup(s.fetch);
    await expect(client.call(spec())).resolves.toEqual({ message: 'ok' });
    // random() = 0.5 of 1 s, 2 s, 4 s, 8 s.
    expect(clock.slept).toEqual([500, 1000, 2000, 4000]);
  });

  it('gives up after 5 retries with a transient error', async () => {
    const s = scripted(json({ message: 'down' }, 503));
    const { client } = setup(s.fetch);
    const e = await failure(client.call(spec()));
    expect(s.seen).toHaveLength(6);
    expect([e.kind, e.code, e.status]).toEqual(['transient', 'server_error', 503]);
  });

  it('stops waiting when the total wait would pass the cap, and says how long to wait', async () => {
    const s = scripted(json({ message: 'slow' }, 429, { 'Retry-After': '400' }));
    const { client, clock } = setup(s.fetch, { maxTotalWaitMs: 600_000 });
    const e = await failure(client.call(spec()));
    expect(clock.slept).toEqual([400_000]);
    expect(s.seen).toHaveLength(2);
    expect([e.kind, e.code, e.retryAfterMs]).toEqual(['transient', 'rate_limited', 400_000]);
  });

  it.each([
    [400, 'permanent', 'bad_request'],
    [403, 'auth', 'not_enterprise_admin'],
    [404, 'permanent', 'not_found'],
    [401, 'auth', 'token_revoked'],
  ])('never retries %i', async (status, kind, code) => {
    const s = scripted(json({ message: 'no' }, status));
    const { client, clock } = setup(s.fetch);
    const e = await failure(client.call(spec()));
    expect(s.seen).toHaveLength(1);
    expect(clock.slept).toEqual([]);
    expect([e.kind, e.code, e.status]).toEqual([kind, code, status]);
  });

  it('on a 401 drops the cached token and mints again once; a second 401 is an auth error', async () => {
    const rejected: string[] = [];
    let n = 0;
    const source: TokenSource = {
      token: async () => `token-${n}`,
      reject: async (t) => {
        rejected.push(t);
        n++;
        return true;
      },
    };
    const ok = scripted(json({ message: 'expired' }, 401), json({ message: 'ok' }));
    await expect(setup(ok.fetch).client.call(spec({ auth: { kind: 'source', source } }))).resolves.toEqual({
      message: 'ok',
    });
    expect(rejected).toEqual(['token-0']);
    expect(ok.seen.map((r) => r.headers.get('authorization'))).toEqual(['Bearer token-0', 'Bearer token-1']);

    const bad = scripted(json({ message: 'revoked' }, 401));
    const e = await failure(setup(bad.fetch).client.call(spec({ auth: { kind: 'source', source } })));
    expect(bad.seen).toHaveLength(2);
    expect([e.kind, e.code]).toEqual(['auth', 'token_revoked']);
  });

  it('re-mints at most once per call, even when retries come in between', async () => {
    let minted = 0;
    const source: TokenSource = {
      token: async () => `token-${minted}`,
      reject: async () => {
        minted++;
        return true;
      },
    };
    const s = scripted(
      json({ message: 'expired' }, 401),
      json({ message: 'down' }, 500),
      json({ message: 'no' }, 401),
    );
    const e = await failure(setup(s.fetch).client.call(spec({ auth: { kind: 'source', source } })));
    expect(minted).toBe(1);
    expect(s.seen).toHaveLength(3);
    expect(e.code).toBe('token_revoked');
  });

  it('reads a JSON body of the wrong shape as a transient bad response', async () => {
    const s = scripted(json(['not', 'an', 'object']));
    const { client } = setup(s.fetch, { maxRetries: 1 });
    const e = await failure(client.call(spec()));
    expect(s.seen).toHaveLength(2);
    expect([e.kind, e.code]).toEqual(['transient', 'bad_response']);
  });

  it('draws every attempt from the request budget and stops when it is spent', async () => {
    const s = scripted(json({ message: 'down' }, 500), json({ message: 'ok' }));
    const { client } = setup(s.fetch, {}, 1);
    const e = await failure(client.call(spec()));
    expect(s.seen).toHaveLength(1);
    expect([e.kind, e.code]).toEqual(['budget', 'budget_exhausted']);
  });

  it('keeps secrets out of messages and causes, even when the vendor echoes them', async () => {
    const secret = 'super-secret-value';
    const s = scripted(json({ message: `bad client_secret ${secret} for token tok-123456` }, 400));
    const { client } = setup(s.fetch);
    const e = await failure(
      client.call(spec({ method: 'POST', body: { client_secret: secret }, secrets: [secret] })),
    );
    const everything = `${e.message} ${JSON.stringify(e.options)} ${String(e.stack)}`;
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain('tok-123456');
    expect(JSON.stringify(e.cause)).toContain('[redacted]');
  });
});
