import { Hono } from 'hono';
import { getOrCreateConnection } from '../connections/store';
import type { AppEnv } from '../deps';
import { ConnectionCard } from '../views/connection-card';
import { Layout } from '../views/layout';

/** GET /: the dashboard with the Connections card. */
export const dashboardRoutes = new Hono<AppEnv>().get('/', async (c) => {
  const connection = await getOrCreateConnection(c.var.deps.db, c.var.orgId, 'bluejeans');
  return c.html(
    <Layout title="Connections">
      <h1>Connections</h1>
      <p class="muted">
        Connect your video-conferencing account to see who really uses the licences you pay for.
      </p>
      <ConnectionCard
        model={{
          vendor: 'bluejeans',
          state: connection.state,
          enterpriseId: connection.enterpriseId,
          enterpriseName: connection.enterpriseName,
          lastSyncedAt: connection.lastSyncedAt,
          cardUrl: '/connections/bluejeans/card',
          connectUrl: '/connections/bluejeans/connect',
        }}
      />
    </Layout>,
  );
});
