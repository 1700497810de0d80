/**
 * The address a request came from, for per-client limits. The socket's peer where the runtime gives it
 * (Node: @hono/node-server's `incoming`; Deno: `Deno.serve`'s `remoteAddr`), which cannot be forged;
 * otherwise (Workers) the `CF-Connecting-IP` header, which Cloudflare sets itself. Behind a local proxy
 * or tunnel every client shares the proxy's address, which makes the limit per organization: stricter,
 * never looser.
 */
import type { Context } from 'hono';

interface RuntimeEnv {
  incoming?: { socket?: { remoteAddress?: unknown } };
  remoteAddr?: { hostname?: unknown };
}

export function clientAddress(c: Context): string {
  const env = (c.env ?? {}) as RuntimeEnv;
  const node = env.incoming?.socket?.remoteAddress;
  if (typeof node === 'string' && node) return node;
  const deno = env.remoteAddr?.hostname;
  if (typeof deno === 'string' && deno) return deno;
  return c.req.header('CF-Connecting-IP') ?? 'unknown';
}
