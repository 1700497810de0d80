import { type Context, type ExecutionContext, Hono, type MiddlewareHandler } from 'hono';
import type { Deps } from '../deps';
import { routeAwareSecureHeaders } from '../embed/headers';
import { assertLoopback } from './tenancy';

/**
 * Node and Deno serve /assets/* themselves; the Worker serves them from its [assets] binding, but
 * runs first for /assets/* (wrangler.toml `run_worker_first`) so they pass through here too.
 * Assets are immutable per URL (their URLs carry a version), so they cache for a year.
 * They get the app's security headers, and in local mode the same loopback rule as every page
 * (a file served to any Host would let a DNS-rebinding page probe the local install).
 * Everything else goes to the app untouched (straight to its fetch: no second router pass per page),
 * keeping its own 404 and error pages.
 */
export function withStaticAssets(
  app: {
    fetch: (req: Request, env?: unknown, ctx?: ExecutionContext) => Response | Promise<Response>;
  },
  serveStatic: MiddlewareHandler,
  deps: Deps,
) {
  const server = new Hono();
  server.use('/assets/*', routeAwareSecureHeaders(deps));
  if (deps.config.AUTH_MODE === 'local') {
    server.use('/assets/*', async (c, next) => {
      try {
        assertLoopback(c.req.url);
      } catch (err) {
        if (err instanceof Error) return c.text(err.message, 403);
        throw err;
      }
      await next();
    });
  }
  server.use('/assets/*', async (c, next) => {
    await next();
    if (c.res.ok) c.header('Cache-Control', 'public, max-age=31536000, immutable');
  });
  server.use('/assets/*', serveStatic);
  // The runtime's env (Node's incoming socket, Deno's remote address) goes along: the app reads the client's address from it.
  // So does the Workers execution context (the app hands background work to its waitUntil).
  server.all('*', (c) => app.fetch(c.req.raw, c.env, executionCtxOf(c)));
  return {
    fetch: (req: Request, env?: unknown, ctx?: ExecutionContext): Response | Promise<Response> =>
      isAssetPath(req.url) ? server.fetch(req, env, ctx) : app.fetch(req, env, ctx),
  };
}

/** Whether an absolute request URL's path starts with /assets/ (without parsing the whole URL). */
function isAssetPath(url: string): boolean {
  const path = url.indexOf('/', url.indexOf('://') + 3);
  return path >= 0 && url.startsWith('/assets/', path);
}

/** The request's execution context where the runtime gives one (Workers); Hono's getter throws otherwise. */
function executionCtxOf(c: Context): ExecutionContext | undefined {
  try {
    return c.executionCtx;
  } catch {
    return undefined;
  }
}

/** Minimal view of the Workers assets binding (a Fetcher). */
export interface AssetsBinding {
  fetch(request: Request): Promise<Response>;
}

/**
 * Serves /assets/* from the Workers [assets] binding, for `withStaticAssets`. A file the binding does
 * not have goes on to the app (its own 404 page); a found one is copied so headers can be added.
 */
export function fromAssetsBinding(assets: AssetsBinding): MiddlewareHandler {
  return async (c, next) => {
    const res = await assets.fetch(c.req.raw);
    if (res.status === 404) return next();
    c.res = new Response(res.body, res);
  };
}
