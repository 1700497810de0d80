import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import {
  auditLog,
  CONNECTION_STATES,
  type ConnectionState,
  connections,
  connectionTokens,
} from '../../db/schema';
import { listAudit } from '../../src/connections/audit';
import {
  canTransition,
  IllegalTransitionError,
  StaleConnectionError,
  TRANSITIONS,
  transition,
} from '../../src/connections/state-machine';
import { ensureOrganization, getOrCreateConnection } from '../../src/connections/store';
import { testDeps } from '../helpers/deps';

async function setup(state: ConnectionState = 'disconnected') {
  const deps = await testDeps();
  await ensureOrganization(deps.db, 'org1');
  const row = await getOrCreateConnection(deps.db, 'org1', 'bluejeans');
  await deps.db.update(connections).set({ state }).where(eq(connections.id, row.id));
  const fresh = (await deps.db.select().from(connections).where(eq(connections.id, row.id)).get())!;
  return { deps, row: fresh };
}

describe('the transitions table', () => {
  it('names every state, and only known states', () => {
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...CONNECTION_STATES].sort());
    for (const targets of Object.values(TRANSITIONS)) {
      for (const t of targets) expect(CONNECTION_STATES).toContain(t);
    }
  });

  it('lets a disconnected connection only become connected, and every linked one be disconnected', () => {
    expect(TRANSITIONS.disconnected).toEqual(['connected']);
    for (const s of CONNECTION_STATES.filter((s) => s !== 'disconnected')) {
      expect(canTransition(s, 'disconnected')).toBe(true);
      expect(canTransition(s, 'connected')).toBe(true);
    }
    expect(canTransition('needs_reauth', 'syncing')).toBe(false);
    expect(canTransition('paused', 'syncing')).toBe(false);
  });
});

describe('transition()', () => {
  for (const from of CONNECTION_STATES) {
    for (const to of CONNECTION_STATES) {
      const allowed = canTransition(from, to);
      it(`${from} -> ${to} ${allowed ? 'changes state, bumps version and audits in one batch' : 'throws and writes nothing'}`, async () => {
        const { deps, row } = await setup(from);
        const attempt = transition(deps.db, {
          connection: row,
          to,
          actor: 'tester',
          action: 'connection.state_changed',
          detail: { reason: 'test' },
          now: 1234,
        });
        if (!allowed) {
          await expect(attempt).rejects.toBeInstanceOf(IllegalTransitionError);
          const same = await getOrCreateConnection(deps.db, 'org1', 'bluejeans');
          expect(same.state).toBe(from);
          expect(same.version).toBe(row.version);
          expect(await deps.db.select().from(auditLog)).toHaveLength(0);
          return;
        }
        const updated = await attempt;
        expect(updated.state).toBe(to);
        expect(updated.version).toBe(row.version + 1);
        expect(updated.updatedAt).toBe(1234);
        const [entry] = await listAudit(deps.db, { orgId: 'org1' });
        expect(entry).toMatchObject({
          actor: 'tester',
          action: 'connection.state_changed',
          connectionId: row.id,
          at: 1234,
        });
        expect(JSON.parse(entry!.detail)).toEqual({ from, to, reason: 'test' });
      });
    }
  }

  it('a stale version aborts the whole batch: no state change, no audit, no side statements', async () => {
    const { deps, row } = await setup('connected');
    await deps.db.insert(connectionTokens).values({ connectionId: row.id, sealedToken: 'x', expiresAt: 1 });
    await transition(deps.db, {
      connection: row,
      to: 'syncing',
      actor: 'a',
      action: 'connection.state_changed',
      now: 1,
    });
    const stale = transition(deps.db, {
      connection: row,
      to: 'disconnected',
      actor: 'b',
      action: 'connection.disconnected',
      set: { sealedCredentials: null },
      also: [deps.db.delete(connectionTokens).where(eq(connectionTokens.connectionId, row.id))],
      now: 2,
    });
    await expect(stale).rejects.toBeInstanceOf(StaleConnectionError);
    const current = await getOrCreateConnection(deps.db, 'org1', 'bluejeans');
    expect(current.state).toBe('syncing');
    expect(await deps.db.select().from(connectionTokens)).toHaveLength(1);
    const actions = (await listAudit(deps.db, { orgId: 'org1' })).map((a) => a.action);
    expect(actions).toEqual(['connection.state_changed']);
  });

  it('two concurrent transitions from the same read: exactly one wins', async () => {
    const { deps, row } = await setup('connected');
    const results = await Promise.allSettled([
      transition(deps.db, {
        connection: row,
        to: 'syncing',
        actor: 'a',
        action: 'connection.state_changed',
        now: 1,
      }),
      transition(deps.db, {
        connection: row,
        to: 'paused',
        actor: 'b',
        action: 'connection.state_changed',
        now: 1,
      }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(StaleConnectionError);
    expect(await deps.db.select().from(auditLog)).toHaveLength(1);
  });

  it('never stores a secret-looking detail in the audit', async () => {
    const { deps, row } = await setup('disconnected');
    await transition(deps.db, {
      connection: row,
      to: 'connected',
      actor: 'a',
      action: 'connection.connected',
      detail: { appSecret: 'hunter2-secret', accessToken: 'tok-123', method: 'client_credentials' },
      now: 1,
    });
    const [entry] = await deps.db.select().from(auditLog);
    expect(entry!.detail).not.toContain('hunter2-secret');
    expect(entry!.detail).not.toContain('tok-123');
    expect(JSON.parse(entry!.detail)).toMatchObject({
      appSecret: '[redacted]',
      method: 'client_credentials',
    });
  });
});
