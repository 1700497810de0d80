import { describe, expect, it } from 'vitest';
import { runSyncCli } from '../../src/sync/cli';
import { syncEnv } from './support';

describe('npm run sync', () => {
  it('--all runs every due connection to completion and prints a summary line', async () => {
    const env = await syncEnv();
    const result = await runSyncCli(env.deps, ['--all']);
    expect(result.code).toBe(0);
    expect(result.lines).toHaveLength(1);
    expect(result.lines[0]).toMatch(new RegExp(`^${env.connectionId}: done in \\d+ slice`));
    expect(result.lines[0]).toContain('meetings ');
    expect((await env.row()).state).toBe('connected');
    // Nothing is due right after.
    expect(await runSyncCli(env.deps, ['--all'])).toEqual({
      code: 0,
      lines: ['No connection is due for a sync.'],
    });
  });

  it('--connection forces one; failures and bad arguments exit non-zero', async () => {
    const env = await syncEnv();
    env.breakNetwork(async () => new Response('down', { status: 503 }));
    const failed = await runSyncCli(env.deps, ['--connection', env.connectionId]);
    expect(failed.code).toBe(1);
    expect(failed.lines[0]).toContain('failed (transient)');
    expect((await runSyncCli(env.deps, ['--connection', 'con_nope'])).code).toBe(1);
    expect((await runSyncCli(env.deps, [])).code).toBe(2);
    expect((await runSyncCli(env.deps, ['--all', '--budget', '0'])).code).toBe(2);
  });
});
