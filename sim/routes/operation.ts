import type { Context, MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { SimContext, SimEnv } from '../context';
import { corruptBody, type FaultDecision } from '../faults';
import { accessTokenOf, fail, readGrantBody } from '../http';

/** `auth` routes get latency and rate limits; `data` routes also get 5xx and malformed-body faults. */
export type OperationKind = 'auth' | 'data';

async function rateKey(c: Context<SimEnv>, ctx: SimContext): Promise<string> {
  const token = accessTokenOf(c);
  const record = token ? ctx.tokens.get(token) : undefined;
  if (record) return record.kind === 'app' ? `app:${record.appKey}` : `user:${record.userIndex}`;
  if (c.req.method === 'POST' && c.req.path.endsWith('/oauth2/token')) {
    const body = await readGrantBody(c);
    if (body?.client_id) return `app:${body.client_id}`;
    if (body?.username) return `login:${body.username.toLowerCase()}`;
  }
  return token ? `token:${token}` : 'anonymous';
}

function serverError(c: Context<SimEnv>, kind: NonNullable<FaultDecision['serverError']>): Response {
  switch (kind) {
    case 'json-500':
      return fail(c, 500, 'Internal server error');
    case 'json-503':
      return fail(c, 503, 'Service temporarily unavailable', { 'Retry-After': '1' });
    case 'html-502':
      // Real outages surfaced from the load balancer as HTML, not the spec's JSON.
      return c.html(
        '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>',
        502,
      );
    default:
      return c.text('upstream request timeout', 504);
  }
}

/**
 * First middleware of every API route: counts the request under its spec operationId, then applies
 * the seeded faults in the order a real edge would (latency, rate limit, server error), and finally
 * corrupts the body of a successful data response when the decision says so.
 */
export function operation(
  ctx: SimContext,
  operationId: string,
  kind: OperationKind,
): MiddlewareHandler<SimEnv> {
  return createMiddleware<SimEnv>(async (c, next) => {
    const seq = ctx.faults.next();
    ctx.stats.request(operationId);
    c.set('operation', operationId);
    c.set('seq', seq);
    const settings = ctx.faults.settings();
    if (settings.latencyMs > 0) await ctx.sleep(settings.latencyMs);

    const retryAfter = ctx.faults.rateLimit(await rateKey(c, ctx), ctx.now());
    if (retryAfter > 0) {
      ctx.stats.rateLimited();
      ctx.stats.status(429);
      return fail(c, 429, 'Rate limit exceeded; retry later', { 'Retry-After': String(retryAfter) });
    }

    const decision: FaultDecision = kind === 'data' ? ctx.faults.decide(seq) : {};
    if (decision.serverError) {
      ctx.stats.serverError();
      const res = serverError(c, decision.serverError);
      ctx.stats.status(res.status);
      return res;
    }

    await next();

    if (decision.malformed && c.res.status === 200) {
      const text = await c.res.clone().text();
      ctx.stats.malformed();
      const headers = new Headers(c.res.headers);
      headers.delete('content-length');
      c.res = new Response(corruptBody(text, decision.malformed), { status: 200, headers });
    }
    ctx.stats.status(c.res.status);
  });
}
