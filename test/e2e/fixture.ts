/**
 * One synced Seatwise for the page-wide browser checks (layout widths, axe, focus, screenshots): the
 * simulator on 127.0.0.1, the Node build pointed at it, a connected BlueJeans connection with sealed demo
 * credentials and one finished sync. Built once per test file; pages are opened per test.
 */
import { eq } from 'drizzle-orm';
import { connections } from '../../db/schema';
import { startSimServer } from '../../sim/server';
import { sealCredentials } from '../../src/connections/credentials';
import { ensureOrganization, getOrCreateConnection } from '../../src/connections/store';
import type { NodeServer } from '../../src/node';
import { runUntilSettled } from '../../src/sync/engine';
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
  const credentials = {
    method: 'client_credentials' as const,
    appKey: sim.sim.credentials.appKey,
    appSecret: sim.sim.credentials.appSecret,
  };
  const sealed = await sealCredentials(server.deps.sealer, credentials, {
    orgId: 'local',
    connectionId: row.id,
  });
  // Staged directly: the connect flow has its own browser tests; these only need a connected account.
  await db
    .update(connections)
    .set({
      state: 'connected',
      authMethod: 'client_credentials',
      sealedCredentials: sealed,
      enterpriseId: sim.sim.enterpriseId,
      publicConfig: JSON.stringify({ method: 'client_credentials', appKey: credentials.appKey }),
      connectedAt: Date.now(),
    })
    .where(eq(connections.id, row.id));
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
