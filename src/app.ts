/**
 * The composition root: `createApp(deps)` wires middleware, mounts the route
 * sub-apps, and ends every error in one handler.
 */
import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { ensureOrganization, LOCAL_ORG_ID } from './connections/store';
import type { AppEnv, Deps } from './deps';
import { sameOriginOnly } from './lib/csrf';
import { dashboardRoutes } from './routes/dashboard';
import { errorHandler, notFound } from './routes/errors';
import { healthRoutes } from './routes/health';

export type App = Hono<AppEnv>;

/** Builds the whole app around its dependencies; nothing here touches globals. */
export function createApp(deps: Deps): App {
  const app = new Hono<AppEnv>();
  let orgReady: Promise<void> | undefined;

  app.use(requestId());
  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
      xFrameOptions: 'DENY',
      referrerPolicy: 'same-origin',
    }),
  );
  app.use(async (c, next) => {
    c.set('deps', deps);
    await next();
  });
  // Health answers even when the database is down, so it comes before tenancy.
  app.route('/', healthRoutes);

  app.use(async (c, next) => {
    // Local mode: one organization, and the visitor is its admin.
    orgReady ??= ensureOrganization(deps.db, LOCAL_ORG_ID).catch((err) => {
      orgReady = undefined;
      throw err;
    });
    await orgReady;
    c.set('orgId', LOCAL_ORG_ID);
    c.set('actor', 'local-admin');
    await next();
  });
  app.use(sameOriginOnly(deps.config.PUBLIC_URL));

  app.route('/', dashboardRoutes);

  app.notFound(notFound);
  app.onError(errorHandler(deps.logger));
  return app;
}
