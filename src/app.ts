/**
 * The composition root: `createApp(deps)` wires middleware, mounts the route
 * sub-apps, and ends every error in one handler.
 */
import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import type { AppEnv, Deps } from './deps';
import { routeAwareSecureHeaders } from './embed/headers';
import { sameOriginOnly } from './lib/csrf';
import { undeclaredRoutes } from './lib/roles';
import { tenancy } from './lib/tenancy';
import { connectionRoutes } from './routes/connections';
import { dashboardRoutes } from './routes/dashboard';
import { embedRoutes } from './routes/embed';
import { errorHandler, notFound } from './routes/errors';
import { exportRoutes } from './routes/export';
import { healthRoutes } from './routes/health';
import { licenceRoutes } from './routes/licences';
import { orgRoutes } from './routes/orgs';
import { reclaimRoutes } from './routes/reclaim';
import { syncRoutes } from './routes/sync';
import { usageRoutes } from './routes/usage';
import { webhookRoutes } from './routes/webhooks';

export type App = Hono<AppEnv>;

/** Builds the whole app around its dependencies; nothing here touches globals. */
export function createApp(deps: Deps): App {
  const app = new Hono<AppEnv>();

  app.use(requestId());
  app.use(routeAwareSecureHeaders(deps));
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
  app.route('/', syncRoutes);
  app.route('/', usageRoutes);
  app.route('/', licenceRoutes);
  app.route('/', reclaimRoutes);
  app.route('/', exportRoutes);
  app.route('/', webhookRoutes);
  app.route('/', embedRoutes);
  app.route('/', orgRoutes);

  app.notFound(notFound);
  app.onError(errorHandler(deps.logger));
  // A route without a role declaration is a hole in the role model: refuse to build such an app.
  const undeclared = undeclaredRoutes(app);
  if (undeclared.length > 0) {
    throw new Error(`every route must declare its role (requireRole/publicRoute): ${undeclared.join(', ')}`);
  }
  return app;
}
