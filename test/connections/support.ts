/**
 * Builders for connection tests: Seatwise over a fresh database, wired to an
 * in-process BlueJeans simulator that shares its manual clock; form posting,
 * cookie carrying and small HTML readers.
 */
import { eq } from 'drizzle-orm';
import type { ConnectionState } from '../../db/schema';
import { connections } from '../../db/schema';
import { createSimulator, type SimOptions } from '../../sim';
import { transition } from '../../src/connections/state-machine';
import { type ConnectionRow, ensureOrganization, getOrCreateConnection } from '../../src/connections/store';
import type { FetchLike } from '../../src/connectors/types';
import { manualClock } from '../../src/lib/clock';
import { testApp } from '../helpers/deps';

export const SIM_BASE = 'http://sim.test';

/** Seatwise + simulator. `fetchOverride` lets a test break the network on purpose. */
export async function simApp(options: { sim?: SimOptions; env?: Record<string, string> } = {}) {
  const clock = manualClock();
  const sim = createSimulator({ seed: 7, users: 12, days: 2, now: () => clock.now(), ...options.sim });
  let fetchOverride: FetchLike | undefined;
  const fetch: FetchLike = (input, init) =>
    fetchOverride ? fetchOverride(input, init) : sim.fetch(new Request(input, init));
  const t = await testApp({
    fetch,
    clock,
    env: { BLUEJEANS_API_BASE: SIM_BASE, BLUEJEANS_AUTH_BASE: SIM_BASE, ...options.env },
  });
  return {
    ...t,
    sim,
    clock,
    /** Replaces the network to BlueJeans (undefined restores the simulator). */
    breakNetwork(f: FetchLike | undefined) {
      fetchOverride = f;
    },
    connection: async () => {
      await ensureOrganization(t.deps.db, 'local');
      return getOrCreateConnection(t.deps.db, 'local', 'bluejeans');
    },
    /** POSTs a urlencoded form (as a browser would), optionally as htmx. */
    post(path: string, fields: Record<string, string>, opts: { htmx?: boolean; cookie?: string } = {}) {
      const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' };
      if (opts.htmx) headers['HX-Request'] = 'true';
      if (opts.cookie) headers.Cookie = opts.cookie;
      return t.request(path, { method: 'POST', headers, body: new URLSearchParams(fields).toString() });
    },
    get(path: string, opts: { htmx?: boolean; cookie?: string } = {}) {
      const headers: Record<string, string> = {};
      if (opts.htmx) headers['HX-Request'] = 'true';
      if (opts.cookie) headers.Cookie = opts.cookie;
      return t.request(path, { headers });
    },
  };
}

export type SimApp = Awaited<ReturnType<typeof simApp>>;

/** The value of a named input in rendered HTML (hidden fields: pending, formId...). */
export function inputValue(html: string, name: string): string | undefined {
  const tag = html.match(new RegExp(`<input[^>]*name="${name}"[^>]*>`))?.[0];
  const raw = tag?.match(/value="([^"]*)"/)?.[1];
  return raw
    ?.replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
}

/** `name=value` of a Set-Cookie header, to send back as Cookie. */
export function cookieFrom(res: Response, name: string): string | undefined {
  const all = res.headers.getSetCookie();
  const line = all.find((l) => l.startsWith(`${name}=`));
  return line?.split(';')[0];
}

/** Connects with the simulator's demo App Key/Secret through form, consent and Confirm. */
export async function connectWithAppKey(s: SimApp): Promise<ConnectionRow> {
  const verify = await s.post('/connections/bluejeans', {
    appKey: s.sim.credentials.appKey,
    appSecret: s.sim.credentials.appSecret,
  });
  if (verify.status !== 200) throw new Error(`verify failed: ${verify.status} ${await verify.text()}`);
  const pending = inputValue(await verify.text(), 'pending');
  const confirm = await s.post('/connections/bluejeans/confirm', { pending: pending! });
  if (confirm.status !== 303) throw new Error(`confirm failed: ${confirm.status} ${await confirm.text()}`);
  return s.connection();
}

/** Moves a connection to `to` the way the sync engine will (through the state machine). */
export async function moveTo(
  s: SimApp,
  to: ConnectionState,
  set: Partial<ConnectionRow> = {},
): Promise<ConnectionRow> {
  const row = await s.connection();
  return transition(s.deps.db, {
    connection: row,
    to,
    actor: 'sync',
    action: 'connection.state_changed',
    set,
    now: s.clock.now(),
  });
}

/** Writes columns directly (to stage a state the flows under test do not create themselves). */
export async function patchConnection(s: SimApp, set: Partial<ConnectionRow>): Promise<void> {
  const row = await s.connection();
  await s.deps.db.update(connections).set(set).where(eq(connections.id, row.id));
}
