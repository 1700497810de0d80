/**
 * Builders for reclaim tests: the sync test environment (a connected connection and an in-process
 * simulator on a manual clock), synced once so Seatwise knows the enterprise's users, plus a same-origin
 * request helper, form posts and readers of what the simulator and the database hold.
 */
import { eq } from 'drizzle-orm';
import { bjUsers, reclaimItems, reclaimJobs } from '../../db/schema';
import { walk } from '../connector/support';
import { type SyncEnvOptions, syncEnv } from '../sync/support';

export const ORIGIN = 'http://127.0.0.1:8787';

export function form(body: Record<string, string | string[]>): RequestInit {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(body)) {
    for (const x of Array.isArray(v) ? v : [v]) params.append(k, x);
  }
  return {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: params.toString(),
  };
}

export async function reclaimEnv(options: SyncEnvOptions = {}) {
  const env = await syncEnv(options);
  await env.syncToEnd();
  const request = (path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (init.method && init.method !== 'GET') headers.set('Origin', ORIGIN);
    return env.app.request(`${ORIGIN}${path}`, { ...init, headers });
  };
  const users = () =>
    env.deps.db.select().from(bjUsers).where(eq(bjUsers.connectionId, env.connectionId)).all();
  return {
    ...env,
    request,
    users,
    /** Licensed users Seatwise may remove (no admin), in listing order. */
    async removable() {
      return (await users()).filter((u) => !u.isEnterpriseAdmin && u.removedAt == null);
    },
    async admins() {
      return (await users()).filter((u) => u.isEnterpriseAdmin);
    },
    allow: (value: 'yes' | 'no' = 'yes') => request('/licences/settings', form({ allowRemoval: value })),
    /** User ids the simulator lists right now (read through the connector, not Seatwise's rows). */
    async listed(): Promise<Set<string>> {
      const session = env.deps.bluejeans.session({
        id: env.connectionId,
        orgId: 'local',
        credentials: env.credentials,
      });
      const { records } = await walk(session.users().start());
      return new Set(records.map((u) => u.userId));
    },
    removedAtSim: () => env.sim.control.stats().removedUserIds.map(String),
    jobs: () => env.deps.db.select().from(reclaimJobs).all(),
    items: (jobId: string) =>
      env.deps.db.select().from(reclaimItems).where(eq(reclaimItems.jobId, jobId)).all(),
  };
}

export type ReclaimEnv = Awaited<ReturnType<typeof reclaimEnv>>;

/** Absolute job id from a 303 Location. */
export function jobIdOf(res: Response): string {
  const location = res.headers.get('Location') ?? '';
  const m = /\/licences\/reclaim\/([^/?]+)/.exec(location);
  if (!m?.[1]) throw new Error(`no job in Location: ${location} (status ${res.status})`);
  return m[1];
}
