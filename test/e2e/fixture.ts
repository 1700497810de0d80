/**
 * One synced Seatwise for the page-wide browser checks (layout widths, axe, focus, screenshots): the
 * simulator on 127.0.0.1, the Node build pointed at it, a connected BlueJeans connection with sealed demo
 * credentials and one finished sync. Built once per test file; pages are opened per test.
 */
import { startSimServer } from '../../sim/server';
import { ensureOrganization, getOrCreateConnection } from '../../src/connections/store';
import type { NodeServer } from '../../src/node';
import { runUntilSettled } from '../../src/sync/engine';
import { stageConnected } from '../helpers/stage-connection';
import { startAppServer } from './app-server';

export interface SyncedApp {
  server: NodeServer;
  sim: Awaited<ReturnType<typeof startSimServer>>;
  connectionId: string;
  close(): Promise<void>;
}

export interface SyncedAppOptions {
  users?: number;
  days?: number;
  env?: Record<string, string>;
  /** Leave the account connected but never synced. */
  skipSync?: boolean;
}

export async function startSyncedApp(options: SyncedAppOptions = {}): Promise<SyncedApp> {
  const sim = await startSimServer({
    port: 0,
    seed: 7,
    users: options.users ?? 60,
    days: options.days ?? 30,
  });
  const server = await startAppServer('synced', { simUrl: sim.url, env: options.env });
  const db = server.deps.db;
  await ensureOrganization(db, 'local');
  const row = await getOrCreateConnection(db, 'local', 'bluejeans');
  await stageConnected(db, server.deps.sealer, { orgId: 'local', connectionId: row.id }, sim.sim, Date.now());
  if (!options.skipSync) {
    const result = await runUntilSettled(server.deps, { connectionId: row.id, trigger: 'cli', force: true });
    if (result.outcome.status !== 'done') {
      throw new Error(`the fixture sync did not finish: ${JSON.stringify(result.outcome)}`);
    }
  }
  return {
    server,
    sim,
    connectionId: row.id,
    close: async () => {
      await server.close();
      await sim.close();
    },
  };
}
