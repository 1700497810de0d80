import { generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { COOKIE_NAME, embedApp, SECRET, sessionCookie } from './support';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

async function expectRefused(res: Response, status: number, message: RegExp) {
  expect(res.status).toBe(status);
  expect(res.headers.getSetCookie()).toEqual([]);
  expect(res.headers.get('X-Frame-Options')).toBeNull();
  const html = (await res.text()).replaceAll('&quot;', '"');
  expect(html).toMatch(message);
  expect(html).toContain('class="embed"');
}

describe('GET /embed/card?token=', () => {
  it('trades a valid token for the partitioned session cookie and redirects the token out of the URL', async () => {
    const { request, sign } = await embedApp();
    const res = await request(`/embed/card?token=${await sign()}`);
    expect(res.status).toBe(303);
    expect(res.headers.get('Location')).toBe('/embed/card');
    const [line, ...rest] = res.headers.getSetCookie();
    expect(rest).toEqual([]);
    const [pair, ...attrs] = line!.split('; ');
    expect(pair!.startsWith(`${COOKIE_NAME}=`)).toBe(true);
    expect(attrs.sort()).toEqual(
      ['HttpOnly', 'Max-Age=3600', 'Partitioned', 'Path=/', 'SameSite=None', 'Secure'].sort(),
    );
    expect(line).not.toMatch(/Domain=/i);
  });

  it('renders the card for the session, as a page and as an htmx fragment', async () => {
    const { request, sign } = await embedApp();
    const cookie = sessionCookie(await request(`/embed/card?token=${await sign()}`));
    const page = await request('/embed/card', { headers: { Cookie: cookie } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<body class="embed">');
    expect(html).toContain('id="bluejeans-card"');
    expect(html).toContain('/assets/embed.js');
    expect(html).not.toContain('class="top"');
    const fragment = await request('/embed/card', { headers: { Cookie: cookie, 'HX-Request': 'true' } });
    expect(fragment.status).toBe(200);
    const text = await fragment.text();
    expect(text.startsWith('<section class="card" id="bluejeans-card"')).toBe(true);
  });

  it('sends the admin’s buttons to embed routes only, never to BlueJeans or app pages', async () => {
    const { request, sign } = await embedApp();
    const cookie = sessionCookie(await request(`/embed/card?token=${await sign()}`));
    const html = await (await request('/embed/card', { headers: { Cookie: cookie } })).text();
    expect(html).toContain('action="/embed/open/connect"');
    const targets = [...html.matchAll(/(?:href|action|hx-get|hx-post)="([^"]+)"/g)].map((m) => m[1]);
    for (const t of targets) expect(t).toMatch(/^\/(embed|assets)\//);
  });

  it('answers 401 without a session (expired, or cookies blocked in frames)', async () => {
    const { request } = await embedApp();
    await expectRefused(await request('/embed/card'), 401, /no session/);
  });

  const bad: [string, (s: Awaited<ReturnType<typeof embedApp>>['sign']) => Promise<string>, RegExp][] = [
    ['expired', (s) => s({}, { expIn: -120, iatOffset: -600 }), /expired/],
    ['exp more than 15 minutes ahead', (s) => s({}, { expIn: 16 * 60 + 60 }), /at most 15 minutes/],
    ['exp 15 minutes after a back-dated iat', (s) => s({}, { expIn: 600, iatOffset: -600 }), /at most 15/],
    ['no exp', (s) => s({}, { expIn: null }), /"exp" claim is missing/],
    ['no iat', (s) => s({}, { iatOffset: null }), /"iat" claim is missing/],
    [
      'no iat, exp 15 min 30 s ahead',
      (s) => s({}, { iatOffset: null, expIn: 930 }),
      /"iat" claim is missing/,
    ],
    ['no jti', (s) => s({}, { jti: null }), /"jti" claim is missing/],
    ['empty jti', (s) => s({}, { jti: '' }), /"jti" claim must not be empty/],
    ['iat 2 minutes in the future', (s) => s({}, { iatOffset: 120, expIn: 300 }), /issued in the future/],
    ['exp 16 min 30 s ahead of now', (s) => s({}, { iatOffset: 90, expIn: 990 }), /at most 15 minutes/],
    ['wrong audience', (s) => s({}, { aud: 'someone-else' }), /"aud" must be "seatwise-embed"/],
    ['no audience', (s) => s({}, { aud: null }), /"aud"/],
    ['missing org', (s) => s({ org: undefined }), /"org" claim is missing/],
    ['missing sub', (s) => s({ sub: undefined }), /"sub" claim is missing/],
    ['missing role', (s) => s({ role: undefined }), /"role" claim is missing/],
    ['bad role', (s) => s({ role: 'owner' }), /"role" claim must be "admin" or "viewer"/],
    ['empty sub', (s) => s({ sub: '' }), /"sub" claim must not be empty/],
    ['numeric org', (s) => s({ org: 7 }), /"org" claim must be a string/],
    ['HS512', (s) => s({}, { alg: 'HS512' }), /HS256/],
    ['wrong secret', (s) => s({}, { secret: `${SECRET}-other` }), /signature does not match/],
    [
      'tampered signature',
      async (s) => {
        const t = await s();
        return `${t.slice(0, -4)}${t.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
      },
      /signature|well-formed/,
    ],
    [
      'tampered payload (role raised)',
      async (s) => {
        const [h, , sig] = (await s({ role: 'viewer' })).split('.');
        const now = Math.floor(Date.UTC(2026, 0, 15, 12) / 1000);
        const body = { org: 'local', sub: 'user-1', role: 'admin', aud: 'seatwise-embed', exp: now + 600 };
        return `${h}.${b64(body)}.${sig}`;
      },
      /signature does not match/,
    ],
    [
      'alg none',
      async () => {
        const now = Math.floor(Date.UTC(2026, 0, 15, 12) / 1000);
        const body = { org: 'local', sub: 'u', role: 'admin', aud: 'seatwise-embed', exp: now + 600 };
        return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(body)}.`;
      },
      /HS256|well-formed/,
    ],
    [
      'RS256',
      async () => {
        const { privateKey } = await generateKeyPair('RS256');
        return new SignJWT({ org: 'local', sub: 'u', role: 'admin' })
          .setProtectedHeader({ alg: 'RS256' })
          .setAudience('seatwise-embed')
          .setExpirationTime(Math.floor(Date.UTC(2026, 0, 15, 12) / 1000) + 600)
          .sign(privateKey);
      },
      /HS256/,
    ],
    ['garbage', async () => 'not-a-jwt', /well-formed/],
    ['empty', async () => '', /well-formed/],
  ];

  it.each(bad)(
    'refuses a token with %s: 401, a message for the developer, no cookie',
    async (_, make, msg) => {
      const { request, sign } = await embedApp();
      const token = await make(sign);
      await expectRefused(await request(`/embed/card?token=${encodeURIComponent(token)}`), 401, msg);
    },
  );

  it('refuses a valid token for another organization with 403', async () => {
    const { request, sign } = await embedApp();
    const res = await request(`/embed/card?token=${await sign({ org: 'acme' })}`);
    await expectRefused(res, 403, /organization "acme"/);
  });

  it('accepts a token within the 60 s clock tolerance, and a full 15-minute life', async () => {
    const { request, sign } = await embedApp();
    expect(
      (await request(`/embed/card?token=${await sign({}, { expIn: -50, iatOffset: -600 })}`)).status,
    ).toBe(303);
    expect((await request(`/embed/card?token=${await sign({}, { expIn: 900, iatOffset: 0 })}`)).status).toBe(
      303,
    );
    // The host's clock 50 s ahead of ours: iat and exp both in "our" future, still one 15-minute life.
    expect((await request(`/embed/card?token=${await sign({}, { expIn: 950, iatOffset: 50 })}`)).status).toBe(
      303,
    );
  });
});

describe('embedding off (no EMBED_SECRET)', () => {
  it('answers every /embed route 404 saying embedding is off', async () => {
    const { testApp } = await import('../helpers/deps');
    const { request } = await testApp();
    for (const path of ['/embed/card', '/embed/card?token=x', '/embed/disconnect']) {
      const res = await request(path);
      expect(res.status).toBe(404);
      expect(res.headers.getSetCookie()).toEqual([]);
      expect(await res.text()).toContain('Embedding is off');
    }
  });
});
