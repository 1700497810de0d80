/**
 * The Worker's size and cold start. Size: the bundle `wrangler deploy --dry-run` builds (what would be
 * uploaded), raw and gzip. Cold start: a fresh workerd (miniflare, the version wrangler 4.79 uses) per
 * run, timed from creating the instance to the first response of `GET /health` (which makes a real
 * database round trip to a libSQL HTTP server on an embedded file), against the floor of an empty
 * Worker answering "ok" under the same instance set-up in the same run.
 * Both figures, with the machine's load, replace the marked block in docs/BENCHMARKS.md ("The Worker"),
 * so `npm run bench` keeps them current (not when timing another script via BENCH_WORKER_SCRIPT).
 * Run: npx tsx bench/worker.bench.ts
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createClient } from '@libsql/client';
import { Miniflare } from 'miniflare';
import { createDb } from '../db/client';
import { migrateDb } from '../db/migrate';
import { startHranaServer } from '../scripts/hrana/server';

const RUNS = 7;
const dir = mkdtempSync(join(tmpdir(), 'seatwise-bench-worker-'));

function build(): { bytes: number; gzip: number; wranglerLine: string; script: string } {
  const out = join(dir, 'dist');
  const run = spawnSync('npx', ['wrangler', 'deploy', '--dry-run', '--outdir', out], {
    encoding: 'utf8',
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
  });
  if (run.status !== 0) throw new Error(`wrangler deploy --dry-run failed:\n${run.stderr}`);
  const script = join(out, 'worker.js');
  const wranglerLine = /Total Upload: [^\n]*/.exec(run.stdout)?.[0] ?? '';
  return { ...sizes(readFileSync(script)), wranglerLine, script };
}

function sizes(code: Buffer): { bytes: number; gzip: number } {
  return { bytes: code.length, gzip: gzipSync(code).length };
}

function toml(key: string): string {
  const text = readFileSync(new URL('../wrangler.toml', import.meta.url), 'utf8');
  return new RegExp(`^${key}\\s*=\\s*"([^"]*)"`, 'm').exec(text)?.[1] ?? '';
}

async function coldStart(
  scriptPath: string,
  bindings: Record<string, string>,
  path: string,
): Promise<number> {
  const started = performance.now();
  const mf = new Miniflare({
    modules: true,
    scriptPath,
    modulesRoot: dirname(scriptPath),
    compatibilityDate: toml('compatibility_date'),
    compatibilityFlags: ['nodejs_als'],
    bindings,
  });
  try {
    const res = await mf.dispatchFetch(`http://localhost${path}`);
    await res.text();
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
    return performance.now() - started;
  } finally {
    await mf.dispose();
  }
}

const BLOCK = /<!-- worker-bench -->[\s\S]*?<!-- \/worker-bench -->/;

/** Writes the figures into docs/BENCHMARKS.md, between its `worker-bench` markers. */
function record(bundle: { bytes: number; gzip: number }, floorMs: number, workerMs: number): void {
  const file = new URL('../docs/BENCHMARKS.md', import.meta.url);
  const text = readFileSync(file, 'utf8');
  if (!BLOCK.test(text)) throw new Error('docs/BENCHMARKS.md has no <!-- worker-bench --> block');
  const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout.trim();
  const kib = (n: number) => (n / 1024).toFixed(1);
  const line =
    `Last \`npm run bench\` (${new Date().toISOString().slice(0, 16)}Z, commit ${commit || '?'}, load average ` +
    `${loadavg()[0]?.toFixed(1)} on ${cpus().length} cores): **${kib(bundle.gzip)} KiB gzip** ` +
    `(${(bundle.gzip / 1000).toFixed(1)} KB; ${kib(bundle.bytes)} KiB raw; limit 150 KB); cold start to the first ` +
    `\`/health\` response **${workerMs.toFixed(0)} ms** against ${floorMs.toFixed(0)} ms for an empty Worker ` +
    `(ratio ${(workerMs / floorMs).toFixed(2)}, Seatwise's share ${(workerMs - floorMs).toFixed(0)} ms, median of ${RUNS}).`;
  writeFileSync(file, text.replace(BLOCK, `<!-- worker-bench -->\n${line}\n<!-- /worker-bench -->`));
  console.log('written to docs/BENCHMARKS.md');
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

try {
  // BENCH_WORKER_SCRIPT: time another build (e.g. an older commit's dry-run output) instead.
  const other = process.env.BENCH_WORKER_SCRIPT;
  const bundle = other
    ? { ...sizes(readFileSync(other)), wranglerLine: '(given script)', script: other }
    : build();
  const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  console.log(
    `bundle: ${kib(bundle.bytes)} raw, ${kib(bundle.gzip)} gzip (${bundle.gzip} bytes; wrangler: ${bundle.wranglerLine})`,
  );

  const dbFile = join(dir, 'w.db');
  const client = createClient({ url: `file:${dbFile}` });
  await migrateDb(createDb(client));
  client.close();
  const server = await startHranaServer({ dbUrl: `file:${dbFile}` });
  const floor = join(dir, 'floor.js');
  writeFileSync(floor, 'export default { fetch() { return new Response("ok"); } };\n');
  const bindings = {
    DATABASE_URL: server.url,
    SEAL_KEYS: `bench:${randomBytes(32).toString('base64url')}`,
    AUTH_MODE: 'local',
    WORKERS_PLAN: 'free',
  };
  try {
    // One warm-up each (disk caches, the workerd binary), then alternate so load hits both alike.
    await coldStart(floor, {}, '/');
    await coldStart(bundle.script, bindings, '/health');
    const floorMs: number[] = [];
    const workerMs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      floorMs.push(await coldStart(floor, {}, '/'));
      workerMs.push(await coldStart(bundle.script, bindings, '/health'));
    }
    const f = median(floorMs);
    const w = median(workerMs);
    console.log(
      `cold start to first response (median of ${RUNS}): empty Worker ${f.toFixed(0)} ms, Seatwise /health ${w.toFixed(0)} ms; ` +
        `ratio ${(w / f).toFixed(2)}, Seatwise's own share ${(w - f).toFixed(0)} ms`,
    );
    if (!other) record(bundle, f, w);
  } finally {
    await server.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
