/**
 * The Worker's size, as `wrangler deploy --dry-run` builds it for upload (deterministic: no timing).
 * Seatwise aims at 150 KB gzip (docs/BENCHMARKS.md); this guard stops it from growing back.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

/** Bytes of gzip the bundle may not exceed. */
const WORKER_GZIP_LIMIT = 200 * 1024;

describe('the Worker bundle', () => {
  it(`stays under ${WORKER_GZIP_LIMIT / 1024} KiB gzip, with no zod in it`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'seatwise-bundle-'));
    try {
      const run = spawnSync('npx', ['wrangler', 'deploy', '--dry-run', '--outdir', dir], {
        encoding: 'utf8',
        env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
      });
      expect(run.status, run.stderr).toBe(0);
      const code = readFileSync(join(dir, 'worker.js'));
      expect(gzipSync(code).length).toBeLessThan(WORKER_GZIP_LIMIT);
      // Validation is src/lib/zlite: zod's global config key (set by its core at load) is not in it.
      expect(code.includes('__zod_globalConfig')).toBe(false);
      // zod's English messages are, as zlite's.
      expect(code.includes('Invalid input')).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
