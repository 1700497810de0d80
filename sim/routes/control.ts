import { Hono } from 'hono';
import { z } from 'zod';
import type { SimContext, SimEnv } from '../context';
import { fail } from '../http';
import type { SimControl } from '../types';
import { describeIssues } from './validate';

const faultsBody = z
  .object({
    rateLimit: z.number().min(0),
    faultRate: z.number().min(0).max(1),
    latencyMs: z.number().min(0),
    malformedRate: z.number().min(0).max(1),
    lateArrivalMinutes: z.number().min(0),
    tokenTtlSeconds: z.number().int().min(1),
    removeUsersPerListing: z.number().int().min(0),
    oauthAccessDisabled: z.boolean(),
  })
  .partial()
  .strict();

const removeBody = z.union([
  z.object({ count: z.number().int().min(0) }).strict(),
  z.object({ ids: z.array(z.number().int()) }).strict(),
]);

/**
 * The test-only control surface under /__sim/ (no auth: the simulator listens on loopback only).
 * It mirrors `Simulator.control` and is never subject to faults or counted in stats.
 */
export function controlRoutes(ctx: SimContext, control: SimControl, info: () => unknown): Hono<SimEnv> {
  const app = new Hono<SimEnv>();

  const json = async (req: Request): Promise<unknown> => {
    try {
      return await req.json();
    } catch {
      return undefined;
    }
  };

  app.get('/info', (c) => c.json(info()));
  app.get('/stats', (c) => c.json(control.stats()));
  app.get('/faults', (c) => c.json(control.faults()));
  app.get('/clock', (c) => c.json({ now: ctx.now() }));

  app.post('/faults', async (c) => {
    const parsed = faultsBody.safeParse(await json(c.req.raw));
    if (!parsed.success) return fail(c, 400, `Invalid faults: ${describeIssues(parsed.error)}`);
    return c.json(control.setFaults(parsed.data));
  });

  app.post('/apps/:appKey/revoke', (c) =>
    control.revokeApp(c.req.param('appKey')) ? c.body(null, 204) : fail(c, 404, 'Unknown app'),
  );
  app.post('/apps/:appKey/restore', (c) =>
    control.restoreApp(c.req.param('appKey')) ? c.body(null, 204) : fail(c, 404, 'Unknown app'),
  );

  app.post('/users/remove', async (c) => {
    const parsed = removeBody.safeParse(await json(c.req.raw));
    if (!parsed.success) return fail(c, 400, 'Body must be {"count": n} or {"ids": [userId, ...]}');
    const target = 'count' in parsed.data ? parsed.data.count : parsed.data.ids;
    return c.json({ removed: control.removeUsers(target) });
  });

  app.post('/reset', (c) => {
    control.reset();
    return c.body(null, 204);
  });

  return app;
}
