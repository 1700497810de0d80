/**
 * The Node build beside the Worker, for the workers project's equality test: on request it runs the same
 * path the Worker test runs (connect, consent, Sync now, the sync to its end) through the Node entry's
 * parts (createApp over an embedded libSQL file, slices in process) against the SAME simulator, and
 * answers with its usage page and CSV. Started by global-setup.ts on 127.0.0.1; stops with it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { createDb } from '../../db/client';
import { migrateDb } from '../../db/migrate';
import { createApp } from '../../src/app';
import { buildDeps } from '../../src/deps';
import { parseEnv } from '../../src/env';
import { createLogger } from '../../src/lib/logger';
import { generateKeyEntry, parseKeyRing } from '../../src/lib/seal';
import { pendingSyncs } from '../../src/sync/sync-now';

export interface TwinResult {
  usageHtml: string;
  csv: string;
  csvHeaders: Record<string, string>;
}

const origin = 'http://localhost';
const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields),
});

/** One Node run from an empty database to a finished first sync; the usage page and CSV after it. */
export async function runNodeTwin(simUrl: string): Promise<TwinResult> {
  const dir = mkdtempSync(join(tmpdir(), 'seatwise-twin-'));
  const client = createClient({ url: `file:${join(dir, 'twin.db')}` });
  try {
    await migrateDb(createDb(client));
    const config = parseEnv({
      DATABASE_URL: `file:${join(dir, 'twin.db')}`,
      BLUEJEANS_API_BASE: simUrl,
      BLUEJEANS_AUTH_BASE: simUrl,
      // As the Worker's test bindings (test/workers/vitest.config.ts).
      BLUEJEANS_RATE_LIMIT: '100',
    });
    const deps = buildDeps({
      config,
      client,
      keyRing: parseKeyRing(generateKeyEntry()),
      logger: createLogger(() => undefined),
    });
    const app = createApp(deps);
    const request = (path: string, init?: RequestInit) => app.request(`${origin}${path}`, init);
    await (await request('/')).text();
    const verify = await request(
      '/connections/bluejeans',
      form({ appKey: 'demo-app-key', appSecret: 'demo-app-secret' }),
    );
    const consent = await verify.text();
    const pending = consent.match(/name="pending"[^>]*value="([^"]*)"/)?.[1] ?? '';
    const confirm = await request(
      '/connections/bluejeans/confirm',
      form({ pending: pending.replace(/&amp;/g, '&') }),
    );
    if (confirm.status !== 303) throw new Error(`twin: confirm answered ${confirm.status}`);
    const sync = await request('/connections/bluejeans/sync', form({}));
    if (sync.status >= 400) throw new Error(`twin: Sync now answered ${sync.status}`);
    for (let i = 0; i < 100; i++) {
      const running = pendingSyncs(deps);
      if (running.length === 0) break;
      await Promise.all(running);
    }
    const usage = await request('/usage/users');
    const csv = await request('/usage/users.csv');
    return {
      usageHtml: await usage.text(),
      csv: await csv.text(),
      csvHeaders: Object.fromEntries(csv.headers.entries()),
    };
  } finally {
    client.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `POST /run` runs the twin and answers its result as JSON. */
export async function startNodeTwin(simUrl: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/run') {
      res.writeHead(404).end();
      return;
    }
    runNodeTwin(simUrl).then(
      (result) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result)),
      (err: unknown) => res.writeHead(500).end(String(err)),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
