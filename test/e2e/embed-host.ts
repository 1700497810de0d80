/**
 * A stand-in host portal for the embed browser tests (and manual trials): a tiny
 * node:http server whose one page frames a URL it is given. Served on its own port
 * and reached as `localhost`, so it is cross-site to Seatwise on 127.0.0.1.
 */
import { createServer, type Server } from 'node:http';

export interface HostPortal {
  /** e.g. `http://localhost:41234` */
  origin: string;
  /** The URL of a page that frames `src`. */
  pageFor(src: string): string;
  close(): Promise<void>;
}

const escapeAttr = (s: string) => s.replaceAll('&', '&amp;').replaceAll('"', '&quot;');

export async function startHostPortal(): Promise<HostPortal> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const src = url.searchParams.get('src');
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    if (url.pathname !== '/' || !src) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(
      `<!DOCTYPE html><html><head><title>Host portal</title></head><body>` +
        `<h1>Host portal</h1>` +
        `<iframe id="seatwise" title="Seatwise" src="${escapeAttr(src)}" width="640" height="480"></iframe>` +
        `</body></html>`,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const origin = `http://localhost:${port}`;
  return {
    origin,
    pageFor: (src) => `${origin}/?src=${encodeURIComponent(src)}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
