/**
 * The Worker's Env is generated from wrangler.toml (`npm run types`) and committed; `npm run check` runs
 * the same command with `--check`, which must fail as soon as the config and the committed file differ.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WRANGLER = join(ROOT, 'node_modules/.bin/wrangler');
const ARGS = ['types', '--include-runtime=false', '--strict-vars=false', '--check'];
const dir = mkdtempSync(join(tmpdir(), 'seatwise-types-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function check(cwd: string): Promise<number> {
  try {
    await run(WRANGLER, ARGS, { cwd, env: { ...process.env, WRANGLER_SEND_METRICS: 'false' } });
    return 0;
  } catch (err) {
    return (err as { code?: number }).code ?? 1;
  }
}

describe('generated Worker types', () => {
  it('are up to date with wrangler.toml, and the check fails once a binding is added', async () => {
    expect(await check(ROOT)).toBe(0);
    const generated = readFileSync(join(ROOT, 'worker-configuration.d.ts'), 'utf8');
    expect(generated).toContain('SYNC_QUEUE: Queue');
    expect(generated).toContain('ASSETS: Fetcher');

    copyFileSync(join(ROOT, 'worker-configuration.d.ts'), join(dir, 'worker-configuration.d.ts'));
    for (const d of ['src', 'public']) symlinkSync(join(ROOT, d), join(dir, d));
    const toml = readFileSync(join(ROOT, 'wrangler.toml'), 'utf8');
    writeFileSync(join(dir, 'wrangler.toml'), toml);
    expect(await check(dir)).toBe(0);
    writeFileSync(join(dir, 'wrangler.toml'), `${toml}\n[[kv_namespaces]]\nbinding = "EXTRA"\nid = "x"\n`);
    expect(await check(dir)).not.toBe(0);
  }, 30_000);
});
