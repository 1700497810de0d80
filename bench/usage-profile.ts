/**
 * CPU per request of the usage read side: the real Node server (a child process) on a database built
 * by `bench/usage.bench.ts --db <path>`, asked one request at a time for `/health`, varied full pages,
 * varied fragments and ETag repeats (304). The figure is the server's own CPU time per request (from
 * /proc), which other work on the machine barely moves (wall time it does). `--prof <dir>` runs the
 * server under `--cpu-prof` to see where the time goes.
 *
 *   npx tsx bench/usage-profile.ts --db /tmp/u10k.db --count 1000 [--only pages] [--prof /tmp/prof]
 */
import { parseArgs } from 'node:util';
import { cpuMsOf, startServer } from './usage-server';
import { type BenchRequest, variedPaths } from './usage-urls';

const { values: flags } = parseArgs({
  options: {
    db: { type: 'string' },
    count: { type: 'string', default: '1000' },
    // Only the cases whose label contains this (health, pages, fragments, 304).
    only: { type: 'string' },
    prof: { type: 'string' },
  },
});
if (!flags.db) throw new Error('--db <path to a file built by bench/usage.bench.ts --db> is required');
const COUNT = Number(flags.count);

const server = await startServer(
  `file:${flags.db}`,
  flags.prof ? ['--cpu-prof', `--cpu-prof-dir=${flags.prof}`] : [],
);

async function get(r: BenchRequest): Promise<Response> {
  const res = await fetch(server.base + r.path, { headers: r.headers ?? {} });
  await res.arrayBuffer();
  return res;
}

async function measure(label: string, requests: BenchRequest[]): Promise<void> {
  if (flags.only && !label.includes(flags.only)) return;
  for (const r of requests.slice(0, 50)) await get(r); // warm-up
  const cpu = cpuMsOf(server.pid);
  const t = performance.now();
  const statuses = new Map<number, number>();
  let bytes = 0;
  for (let i = 0; i < COUNT; i++) {
    const r = requests[(i + 50) % requests.length] as BenchRequest;
    const res = await fetch(server.base + r.path, { headers: r.headers ?? {} });
    bytes += (await res.arrayBuffer()).byteLength;
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
  }
  const used = cpuMsOf(server.pid) - cpu;
  const wall = performance.now() - t;
  console.log(
    `${label.padEnd(20)} server CPU ${(used / COUNT).toFixed(2)} ms/request, wall ${(wall / COUNT).toFixed(2)} ms, ` +
      `${(bytes / COUNT / 1024).toFixed(1)} KiB  [${[...statuses].map(([s, n]) => `${s}:${n}`).join(' ')}]`,
  );
}

try {
  const first = performance.now();
  const page = await get({ path: '/usage/users?sort=minutes' });
  console.log(`first view: ${(performance.now() - first).toFixed(0)} ms`);
  const etag = page.headers.get('etag') ?? '';
  const varied = variedPaths(COUNT + 100);
  await measure('/health', [{ path: '/health' }]);
  await measure(
    'full pages',
    varied.filter((r) => !r.headers),
  );
  await measure(
    'fragments',
    varied.filter((r) => r.headers),
  );
  await measure('ETag repeats (304)', [
    { path: '/usage/users?sort=minutes', headers: { 'If-None-Match': etag } },
  ]);
} finally {
  server.stop();
}
