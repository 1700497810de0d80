/**
 * The workers project: the Worker from wrangler.toml, run inside workerd by
 * @cloudflare/vitest-pool-workers. Its database is the Hrana server that global-setup.ts starts in
 * Node; the pool options are resolved after global setup, so `inject` can hand its URL to the Worker.
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineProject } from 'vitest/config';

const root = fileURLToPath(new URL('../..', import.meta.url));

export default defineProject({
  plugins: [
    cloudflareTest(({ inject }) => ({
      wrangler: { configPath: './wrangler.toml' },
      miniflare: {
        bindings: {
          DATABASE_URL: inject('hranaUrl'),
          BLUEJEANS_API_BASE: inject('simUrl'),
          BLUEJEANS_AUTH_BASE: inject('simUrl'),
          // The simulator has no rate limit here; 2 requests/s would make every slice take 20 s.
          BLUEJEANS_RATE_LIMIT: '100',
          // A throwaway key ring: Workers requires SEAL_KEYS as a secret.
          SEAL_KEYS: `test:${randomBytes(32).toString('base64url')}`,
        },
      },
    })),
  ],
  test: {
    name: 'workers',
    root,
    include: ['test/workers/**/*.test.ts'],
    globalSetup: ['test/workers/global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
