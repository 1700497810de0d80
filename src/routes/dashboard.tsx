import { Hono } from 'hono';
import type { AppEnv } from '../deps';
import { requireRole } from '../lib/roles';
import { ConnectionCard } from '../views/connection-card';
import { Layout } from '../views/layout';
import { loadCardModel } from './card-response';
import { loadConnection } from './connection-support';
import { isNoticeKey, NOTICES } from './flow-response';

/** GET /: the dashboard with the Connections card (and the notice a finished flow redirected with). */
export const dashboardRoutes = new Hono<AppEnv>().get('/', requireRole('viewer'), async (c) => {
  const connection = await loadConnection(c);
  const key = c.req.query('notice');
  return c.html(
    <Layout title="Connections" role={c.var.role}>
      <h1>Connections</h1>
      <p class="muted">
        Connect your video-conferencing account to see who really uses the licences you pay for.
      </p>
      {isNoticeKey(key) ? (
        <p class="notice" role="status">
          {NOTICES[key]}
        </p>
      ) : null}
      <ConnectionCard model={await loadCardModel(c, connection)} />
      <p>
        <a href="/usage/users">See usage</a>: who uses which licences and features.
      </p>
    </Layout>,
  );
});
