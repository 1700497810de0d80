/**
 * Security headers that know which routes may be framed. Every route refuses
 * framing (`frame-ancestors 'none'` and `X-Frame-Options: DENY`), except
 * /embed/*, which names the host portals in `frame-ancestors` and sends no
 * `X-Frame-Options` at all: browsers that see both may honour DENY and break
 * the iframe (Nango PR #6956).
 */
import { createMiddleware } from 'hono/factory';
import { type SecureHeadersVariables, secureHeaders } from 'hono/secure-headers';
import type { Deps } from '../deps';
import { isEmbedPath } from './session';

declare module 'hono' {
  interface ContextVariableMap {
    /** The origins allowed to frame this embed response (the organization's own, when known). */
    embedFrameOrigins?: string[];
  }
}

type Directives = NonNullable<
  Exclude<Parameters<typeof secureHeaders>[0], undefined>['contentSecurityPolicy']
>;

export function routeAwareSecureHeaders(deps: Deps) {
  const { config } = deps;
  const common: Directives = {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:'],
    baseUri: ["'none'"],
    objectSrc: ["'none'"],
  };
  const app = secureHeaders({
    contentSecurityPolicy: {
      ...common,
      // "Sign in with BlueJeans" posts here, then redirects to BlueJeans' consent page.
      formAction: ["'self'", new URL(config.BLUEJEANS_AUTH_BASE).origin],
      frameAncestors: ["'none'"],
    },
    xFrameOptions: 'DENY',
    referrerPolicy: 'same-origin',
  });
  const allowed = config.EMBED_ALLOWED_ORIGINS;
  const embed = secureHeaders({
    contentSecurityPolicy: {
      ...common,
      // Nothing in the frame may post to BlueJeans: consent happens in a popup.
      formAction: ["'self'"],
      frameAncestors: allowed.length > 0 ? allowed : ["'none'"],
    },
    xFrameOptions: false,
    // The token travelled in the first URL; no referrer may carry it (or the session's URLs) on.
    referrerPolicy: 'no-referrer',
  });
  return createMiddleware<{ Variables: SecureHeadersVariables }>(async (c, next) => {
    if (!isEmbedPath(c.req.path)) return app(c, next);
    await embed(c, async () => {
      await next();
      c.header('Cache-Control', 'no-store');
    });
    // Per organization (its settings, else EMBED_ALLOWED_ORIGINS): tenancy or the landing chose them.
    const origins = c.get('embedFrameOrigins');
    const csp = c.res.headers.get('Content-Security-Policy');
    if (origins && csp) {
      const ancestors = origins.length > 0 ? origins.join(' ') : "'none'";
      c.res.headers.set(
        'Content-Security-Policy',
        csp.replace(/frame-ancestors [^;]*/, `frame-ancestors ${ancestors}`),
      );
    }
  });
}
