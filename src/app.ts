/**
 * The composition root: `createApp(deps)` wires middleware, mounts the route
 * sub-apps, and ends every error in one handler.
 */
import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import type { AppEnv, Deps } from './deps';
import { sameOriginOnly } from './lib/csrf';
import { tenancy } from './lib/tenancy';
import { connectionRoutes } from './routes/connections';
import { dashboardRoutes } from './routes/dashboard';
import { errorHandler, notFound } from './routes/errors';
import { healthRoutes } from './routes/health';

export type App = Hono<AppEnv>;

/** Builds the whole app around its dependencies; nothing here touches globals. */
export function createApp(deps: Deps): App {
  const app = new Hono<AppEnv>();

  app.use(requestId());
  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        // "Sign in with BlueJeans" posts here, then redirects to BlueJeans' consent page.
        formAction: ["'self'", new URL(deps.config.BLUEJEANS_AUTH_BASE).origin],
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

  app.use(tenancy(deps));
  app.use(sameOriginOnly(deps.config.PUBLIC_URL));

  app.route('/', dashboardRoutes);
  app.route('/', connectionRoutes);

  app.notFound(notFound);
  app.onError(errorHandler(deps.logger));
  return app;
}
