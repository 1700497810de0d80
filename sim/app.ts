import { Hono } from 'hono';
import { AppRegistry, DEMO_APP } from './auth/apps';
import { CodeStore } from './auth/codes';
import { GrantStore } from './auth/grants';
import { TokenStore } from './auth/tokens';
import type { SimContext, SimEnv } from './context';
import { EnterpriseModel } from './data/model';
import { DEMO_ADMIN, DEMO_USER } from './data/users';
import { FaultController, normalizeFaults } from './faults';
import { Salt } from './lib/prng';
import { DAY_MS, dayOf } from './lib/time';
import { analyticsRoutes } from './routes/analytics';
import { authorizeRoutes } from './routes/authorize';
import { commandCenterRoutes } from './routes/command-center';
import { controlRoutes } from './routes/control';
import { grantRoutes } from './routes/grants';
import { historyRoutes } from './routes/history';
import { oauthRoutes } from './routes/oauth';
import { userRoutes } from './routes/users';
import { StatsCollector } from './stats';
import type { SimControl, SimOptions, Simulator } from './types';

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Builds a simulator of BlueJeans' published REST API (swagger.yaml) over a seeded enterprise.
 * Pure web APIs only, so the same app runs on Node and in workerd.
 */
export function createSimulator(opts: SimOptions = {}): Simulator {
  const seed = Math.trunc(opts.seed ?? 1);
  const now = opts.now ?? Date.now;
  const users = Math.max(2, Math.trunc(opts.users ?? 200));
  const anchor = opts.anchor !== undefined ? dayOf(opts.anchor) * DAY_MS : dayOf(now()) * DAY_MS;
  const model = new EnterpriseModel({
    seed,
    users,
    days: Math.max(0, Math.trunc(opts.days ?? 30)),
    meetingsPerDay: Math.max(0, opts.meetingsPerDay ?? Math.round(users * 0.6)),
    anchor,
  });
  const faults = new FaultController(
    seed,
    normalizeFaults({
      rateLimit: opts.rateLimit ?? 0,
      faultRate: opts.faultRate ?? 0,
      latencyMs: opts.latencyMs ?? 0,
      malformedRate: opts.malformedRate ?? 0,
      lateArrivalMinutes: opts.lateArrivalMinutes ?? 0,
      tokenTtlSeconds: opts.tokenTtlSeconds ?? 3600,
      removeUsersPerListing: opts.removeUsersPerListing ?? 0,
      oauthAccessDisabled: opts.oauthAccessDisabled ?? false,
    }),
  );
  const stats = new StatsCollector();
  const tokens = new TokenStore(seed);
  const codes = new CodeStore(seed);
  const grants = new GrantStore();
  const apps = new AppRegistry();
  let removals = 0;

  const ctx: SimContext = {
    seed,
    model,
    now,
    sleep: opts.sleep ?? defaultSleep,
    faults,
    tokens,
    codes,
    grants,
    apps,
    stats,
    ...(opts.specYaml !== undefined ? { specYaml: opts.specYaml } : {}),
    removeUsers(target) {
      let indices: number[];
      if (typeof target === 'number') {
        removals++;
        // Seeded by how many count-based removals came before, so a replayed run removes the same users.
        indices = model.users.pickRemovable(faults.rngFor(removals, Salt.removal), target, now());
      } else {
        indices = target.map((id) => model.users.indexOfId(id)).filter((i) => i !== undefined);
      }
      const removed = model.users.removeNow(indices).map((i) => model.users.idBase + i);
      stats.removed(removed);
      return removed;
    },
  };

  const control: SimControl = {
    setFaults(partial) {
      const before = faults.settings().lateArrivalMinutes;
      const next = faults.update(partial);
      if (next.lateArrivalMinutes !== before) model.analytics.clear();
      return next;
    },
    faults: () => faults.settings(),
    revokeApp(appKey) {
      if (!apps.setRevoked(appKey, true)) return false;
      tokens.revokeApp(appKey);
      return true;
    },
    restoreApp: (appKey) => apps.setRevoked(appKey, false),
    removeUsers: (target) => ctx.removeUsers(target),
    stats: () => stats.snapshot(),
    reset() {
      faults.reset();
      apps.reset();
      tokens.clear();
      codes.clear();
      grants.clear();
      stats.reset();
      model.users.clearRuntimeRemovals();
      model.analytics.clear();
      removals = 0;
    },
  };

  const credentials = {
    appKey: DEMO_APP.appKey,
    appSecret: DEMO_APP.appSecret,
    adminUser: { username: DEMO_ADMIN.username, password: DEMO_ADMIN.password },
    plainUser: { username: DEMO_USER.username, password: DEMO_USER.password },
  };

  const info = () => ({
    enterpriseId: model.identity.id,
    enterpriseName: model.identity.name,
    seed,
    users,
    days: model.config.days,
    meetingsPerDay: model.config.meetingsPerDay,
    anchor: new Date(anchor).toISOString(),
    windowStart: new Date(model.windowStart).toISOString(),
    credentials,
    demoUserIds: { admin: model.users.idBase + DEMO_ADMIN.index, user: model.users.idBase + DEMO_USER.index },
  });

  const app = new Hono<SimEnv>();
  app.route('/__sim', controlRoutes(ctx, control, info));
  app.get('/swagger.yaml', (c) =>
    ctx.specYaml !== undefined
      ? c.body(ctx.specYaml, 200, { 'Content-Type': 'application/yaml; charset=utf-8' })
      : c.json({ message: 'The spec is not bundled with this simulator instance' }, 404),
  );
  app.route('/', oauthRoutes(ctx));
  app.route('/', authorizeRoutes(ctx));
  app.route('/', grantRoutes(ctx));
  app.route('/', userRoutes(ctx));
  app.route('/', historyRoutes(ctx));
  app.route('/', commandCenterRoutes(ctx));
  app.route('/', analyticsRoutes(ctx));
  app.notFound((c) => c.json({ message: `No such endpoint: ${c.req.method} ${c.req.path}` }, 404));
  app.onError((err, c) => {
    console.error('[sim] unexpected error', err);
    return c.json({ message: 'Internal server error' }, 500);
  });

  const fetch = async (req: Request): Promise<Response> => app.fetch(req);
  return {
    // The public type is a plain Hono app; the typed variables are internal to the simulator's routes.
    app: app as unknown as Hono,
    fetch,
    enterpriseId: String(model.identity.id),
    credentials,
    control,
  };
}
