import { createMiddleware } from 'hono/factory';
import { userError } from './http-errors';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every unsafe request must come from our own origin: the Origin header must
 * match the request's origin (or PUBLIC_URL behind a proxy). Browsers always
 * send Origin on POST, so a missing one means a non-browser or a stripped header,
 * and is refused too.
 */
export function sameOriginOnly(publicUrl?: string) {
  const extra = publicUrl ? new URL(publicUrl).origin : undefined;
  return createMiddleware(async (c, next) => {
    if (SAFE_METHODS.has(c.req.method)) return next();
    const origin = c.req.header('Origin');
    const own = new URL(c.req.url).origin;
    if (!origin || (origin !== own && origin !== extra)) {
      throw userError(
        403,
        'This form was sent from another site, so Seatwise refused it. Reload the page and try again.',
      );
    }
    return next();
  });
}
