/**
 * Stages a BlueJeans connection as connected with the simulator's demo App Key and App Secret, straight in
 * the database: the connect flow has its own tests; sync, kill and browser tests only need an account that
 * looks connected. The credentials are sealed the version-1 way (directly under the key ring), as rows
 * written before envelope encryption are, so every such test also walks the move under a data key.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { connections } from '../../db/schema';
import { sealCredentials } from '../../src/connections/credentials';
import type { Sealer } from '../../src/lib/seal';

export interface SimAccount {
  credentials: { appKey: string; appSecret: string };
  enterpriseId: string;
}

export async function stageConnected(
  db: Db,
  sealer: Sealer,
  target: { orgId: string; connectionId: string },
  sim: SimAccount,
  connectedAt: number,
) {
  const credentials = {
    method: 'client_credentials' as const,
    appKey: sim.credentials.appKey,
    appSecret: sim.credentials.appSecret,
  };
  const sealed = await sealCredentials(sealer, credentials, target);
  await db
    .update(connections)
    .set({
      state: 'connected',
      authMethod: 'client_credentials',
      sealedCredentials: sealed,
      enterpriseId: sim.enterpriseId,
      publicConfig: JSON.stringify({ method: 'client_credentials', appKey: credentials.appKey }),
      connectedAt,
    })
    .where(eq(connections.id, target.connectionId));
  return credentials;
}
