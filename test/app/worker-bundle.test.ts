/**
 * The Worker's size, as `wrangler deploy --dry-run` builds it for upload (deterministic: no timing).
 * The limit is 150 KB gzip (docs/BENCHMARKS.md): this fails as soon as the bundle is above it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

/** Bytes of gzip the bundle may not exceed: 150 KB (146.5 KiB). */
const WORKER_GZIP_LIMIT = 150_000;

describe('the Worker bundle', () => {
  it(`stays under ${WORKER_GZIP_LIMIT / 1000} KB gzip, with neither zod, jose nor libSQL's client in it`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'seatwise-bundle-'));
    try {
      const run = spawnSync('npx', ['wrangler', 'deploy', '--dry-run', '--outdir', dir], {
        encoding: 'utf8',
        env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
      });
      expect(run.status, run.stderr).toBe(0);
      const code = readFileSync(join(dir, 'worker.js'));
      expect(gzipSync(code).length).toBeLessThan(WORKER_GZIP_LIMIT);
      // Validation is src/lib/zlite, JOSE src/lib/jwe.ts and jwt.ts, the database client
      // src/lib/hrana-http.ts: strings only those libraries carry stayed out.
      expect(code.includes('__zod_globalConfig')).toBe(false);
      expect(code.includes('ERR_JWE_DECRYPTION_FAILED')).toBe(false);
      expect(code.includes('v3-protobuf')).toBe(false);
      // zod's English messages are, as zlite's.
      expect(code.includes('Invalid input')).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
