/**
 * A runnable host portal that embeds the Seatwise Connections card, the way the README's "Embedding"
 * section describes: its server signs a fresh single-use embed token (HS256, `aud: seatwise-embed`,
 * `org`, `sub`, `role`, `iat`, `jti`, `exp` five minutes ahead) on every page view and frames
 * `/embed/card?token=...`. The secret never reaches the browser.
 *
 *   EMBED_SECRET=... EMBED_ALLOWED_ORIGINS=http://localhost:8790 npm start      # Seatwise on :8787
 *   EMBED_SECRET=... npm run example:portal                                    # this portal on :8790
 *
 * Then open http://localhost:8790 (the portal is reached as `localhost`, Seatwise as `127.0.0.1`: two
 * sites, as a real intranet and Seatwise would be). Settings: PORTAL_PORT (8790), SEATWISE_URL
 * (http://127.0.0.1:8787), PORTAL_ORG (local), PORTAL_ROLE (admin | viewer), PORTAL_USER (portal-demo-user).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';

export interface PortalOptions {
  /** Shared with Seatwise (its EMBED_SECRET); at least 32 characters. */
  secret: string;
  seatwiseUrl: string;
  port?: number;
  org?: string;
  role?: 'admin' | 'viewer';
  user?: string;
}

export interface Portal {
  /** Where a browser opens the portal, e.g. `http://localhost:8790`. */
  url: string;
  close(): Promise<void>;
}

/** The token contract of src/embed/token.ts: at most 15 minutes, single use (a fresh jti each time). */
export function signEmbedToken(o: Pick<PortalOptions, 'secret' | 'org' | 'role' | 'user'>): Promise<string> {
  return new SignJWT({ org: o.org ?? 'local', role: o.role ?? 'admin' })
    .setProtectedHeader({ alg: 'HS256' })
    .setAudience('seatwise-embed')
    .setSubject(o.user ?? 'portal-demo-user')
    .setIssuedAt()
    .setJti(randomUUID())
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(o.secret));
}

const escapeAttr = (s: string) =>
  s.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;');

function page(cardUrl: string, seatwiseUrl: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Acme IT portal</title>
<style>
  body { margin: 0; font: 15px/1.5 system-ui, sans-serif; background: #eef1f5; color: #1b1f24; }
  header { background: #23395d; color: #fff; padding: 0.8rem 1.5rem; font-weight: 700; }
  main { max-width: 60rem; margin: 0 auto; padding: 1.5rem; }
  .panel { background: #fff; border-radius: 10px; padding: 1rem 1.25rem; box-shadow: 0 1px 3px #0002; }
  iframe { width: 100%; height: 470px; border: 0; }
</style>
</head>
<body>
<header>Acme IT portal</header>
<main>
  <h1>Video conferencing</h1>
  <div class="panel">
    <iframe id="seatwise" title="Seatwise: BlueJeans connection" src="${escapeAttr(cardUrl)}"></iframe>
  </div>
  <p>Framed from <code>${escapeAttr(seatwiseUrl)}</code> with a token this portal's server signed for this page view.</p>
</main>
</body>
</html>`;
}

export async function startPortal(options: PortalOptions): Promise<Portal> {
  const seatwise = new URL(options.seatwiseUrl).origin;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/') {
      res.writeHead(url.pathname === '/favicon.ico' ? 204 : 404).end();
      return;
    }
    signEmbedToken(options).then(
      (token) => {
        res.writeHead(200, {
          'Content-Type': 'text/html; charset=utf-8',
          // Every view signs a new token: the page must never be cached or shared.
          'Cache-Control': 'no-store',
          'Content-Security-Policy': `default-src 'none'; style-src 'unsafe-inline'; frame-src ${seatwise}`,
        });
        res.end(page(`${seatwise}/embed/card?token=${encodeURIComponent(token)}`, seatwise));
      },
      () => res.writeHead(500).end('could not sign the embed token'),
    );
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://localhost:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function main() {
  const secret = process.env.EMBED_SECRET;
  if (!secret || secret.length < 32) {
    console.error('Set EMBED_SECRET (the same value Seatwise has, at least 32 characters).');
    process.exit(1);
  }
  const role = process.env.PORTAL_ROLE === 'viewer' ? 'viewer' : 'admin';
  const portal = await startPortal({
    secret,
    seatwiseUrl: process.env.SEATWISE_URL ?? 'http://127.0.0.1:8787',
    port: Number(process.env.PORTAL_PORT ?? 8790),
    org: process.env.PORTAL_ORG ?? 'local',
    role,
    user: process.env.PORTAL_USER ?? 'portal-demo-user',
  });
  console.log(`Portal example listening on ${portal.url} (Seatwise must list it in EMBED_ALLOWED_ORIGINS)`);
  const stop = async () => {
    await portal.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) void main();
