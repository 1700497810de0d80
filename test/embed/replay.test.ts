import { createClient } from '@libsql/client';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { buildDeps } from '../../src/deps';
import { parseEnv } from '../../src/env';
import { manualClock } from '../../src/lib/clock';
import { generateKeyEntry, parseKeyRing } from '../../src/lib/seal';
import { testDb } from '../helpers/deps';
import { embedApp, HOSTS, SECRET, signer } from './support';

const env = { EMBED_SECRET: SECRET, EMBED_ALLOWED_ORIGINS: HOSTS.join(',') };

/** Two app instances (separate clients, as two processes or isolates) over one database file. */
async function twoInstances() {
  const { url } = await testDb();
  const clock = manualClock();
  const keyRing = parseKeyRing(generateKeyEntry());
  const instance = () =>
    createApp(
      buildDeps({
        config: parseEnv({ DATABASE_URL: url, ...env }),
        client: createClient({ url }),
        keyRing,
        clock,
      }),
    );
  return { a: instance(), b: instance(), sign: signer(() => clock.now()), clock };
}

const open = (app: ReturnType<typeof createApp>, token: string) =>
  app.request(`http://127.0.0.1:8787/embed/card?token=${encodeURIComponent(token)}`);

describe('single-use embed tokens', () => {
  it('refuses a replayed token with a 401 page and no new session', async () => {
    const { request, sign } = await embedApp();
    const token = await sign();
    expect((await request(`/embed/card?token=${token}`)).status).toBe(303);
    const again = await request(`/embed/card?token=${token}`);
    expect(again.status).toBe(401);
    expect(again.headers.getSetCookie()).toEqual([]);
    const html = await again.text();
    expect(html).toContain('class="embed"');
    expect(html).toContain('already used');
  });

  it('refuses the replay on another app instance sharing the database', async () => {
    const { a, b, sign } = await twoInstances();
    const token = await sign();
    expect((await open(a, token)).status).toBe(303);
    const replay = await open(b, token);
    expect(replay.status).toBe(401);
    expect(replay.headers.getSetCookie()).toEqual([]);
    // And a fresh token still works on either instance.
    expect((await open(b, await sign())).status).toBe(303);
  });

  it('lets exactly one of two simultaneous uses through, across instances', async () => {
    const { a, b, sign } = await twoInstances();
    for (let i = 0; i < 5; i++) {
      const token = await sign();
      const statuses = (await Promise.all([open(a, token), open(b, token)])).map((r) => r.status).sort();
      expect(statuses).toEqual([303, 401]);
    }
  });

  it('remembers the jti until the token could no longer be accepted anyway', async () => {
    const { request, sign, clock } = await embedApp();
    const token = await sign({}, { expIn: 300 });
    expect((await request(`/embed/card?token=${token}`)).status).toBe(303);
    clock.advance(300_000 + 50_000); // past exp, inside the 60 s tolerance
    expect((await request(`/embed/card?token=${token}`)).status).toBe(401);
    clock.advance(20_000); // past the tolerance: refused as expired now
    const late = await request(`/embed/card?token=${token}`);
    expect(late.status).toBe(401);
    expect((await late.text()).replaceAll('&quot;', '"')).toMatch(/expired/);
  });

  it('tells tokens of the same jti for two organizations apart', async () => {
    const { request, sign } = await embedApp();
    // Another organization's token is refused (403) before its jti is spent, so ours still opens.
    expect((await request(`/embed/card?token=${await sign({ org: 'acme' }, { jti: 'same' })}`)).status).toBe(
      403,
    );
    expect((await request(`/embed/card?token=${await sign({}, { jti: 'same' })}`)).status).toBe(303);
  });
});
