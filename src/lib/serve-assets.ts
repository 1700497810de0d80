import { Hono, type MiddlewareHandler } from 'hono';

/**
 * Node and Deno serve /assets/* themselves (Workers uses the [assets] binding).
 * Assets are immutable per URL (their URLs carry a version), so they cache for a year.
 * Everything else goes to the app untouched, keeping its own 404 and error pages.
 */
export function withStaticAssets(
  app: { fetch: (req: Request, env?: unknown) => Response | Promise<Response> },
  serveStatic: MiddlewareHandler,
) {
  const server = new Hono();
  server.use('/assets/*', async (c, next) => {
    await next();
    if (c.res.ok) c.header('Cache-Control', 'public, max-age=31536000, immutable');
  });
  server.use('/assets/*', serveStatic);
  // The runtime's env (Node's incoming socket, Deno's remote address) goes along: the app reads the client's address from it.
  server.all('*', (c) => app.fetch(c.req.raw, c.env));
  return server;
}
