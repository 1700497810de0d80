import { describe, expect, it } from 'vitest';
import { testApp } from '../helpers/deps';
import { embedApp, HOSTS, sessionCookie } from './support';

const frameAncestors = (res: Response) =>
  /frame-ancestors ([^;]+)/.exec(res.headers.get('Content-Security-Policy') ?? '')?.[1];

describe('framing headers', () => {
  it('lets the allowed host portals frame /embed/*, with no X-Frame-Options', async () => {
    const { request, sign } = await embedApp();
    const redirect = await request(`/embed/card?token=${await sign()}`);
    const card = await request('/embed/card', { headers: { Cookie: sessionCookie(redirect) } });
    const refused = await request('/embed/card');
    const unknown = await request('/embed/nothing-here');
    for (const res of [redirect, card, refused, unknown]) {
      expect(frameAncestors(res)).toBe(HOSTS.join(' '));
      expect(res.headers.get('X-Frame-Options')).toBeNull();
      expect(res.headers.get('Referrer-Policy')).toBe('no-referrer');
      expect(res.headers.get('Cache-Control')).toBe('no-store');
      // Nothing in the frame may post to BlueJeans.
      expect(res.headers.get('Content-Security-Policy')).toContain("form-action 'self';");
    }
  });

  it('keeps refusing framing everywhere else', async () => {
    const { request } = await embedApp();
    for (const path of ['/', '/connections/bluejeans/card', '/connections/bluejeans/connect', '/embedded']) {
      const res = await request(path);
      expect(frameAncestors(res)).toBe("'none'");
      expect(res.headers.get('X-Frame-Options')).toBe('DENY');
      expect(res.headers.get('Referrer-Policy')).toBe('same-origin');
    }
  });

  it("sends frame-ancestors 'none' on /embed/* when no host portal is allowed", async () => {
    const { request, sign } = await embedApp({ EMBED_ALLOWED_ORIGINS: '' });
    const res = await request(`/embed/card?token=${await sign()}`);
    expect(res.status).toBe(303);
    expect(frameAncestors(res)).toBe("'none'");
    expect(res.headers.get('X-Frame-Options')).toBeNull();
  });

  it('sends the embed headers even when embedding is off', async () => {
    const { request } = await testApp();
    const res = await request('/embed/card');
    expect(res.status).toBe(404);
    expect(frameAncestors(res)).toBe("'none'");
    expect(res.headers.get('X-Frame-Options')).toBeNull();
  });
});
