/**
 * Simulator page latency and memory for a 10,000-user / ~1,000,000-meeting enterprise.
 * Run: npx tsx bench/sim.bench.ts   (add --expose-gc for steadier heap figures:
 *      node --expose-gc --import tsx bench/sim.bench.ts)
 */
import { createSimulator } from '../sim/index';

const ANCHOR = Date.UTC(2026, 0, 15);
const ITERATIONS = 25;
const WARMUP = 3;

const gc = (globalThis as { gc?: () => void }).gc;
const heapMb = () => {
  gc?.();
  return process.memoryUsage().heapUsed / 1024 / 1024;
};

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

async function main(): Promise<void> {
  const heapStart = heapMb();
  const created = performance.now();
  const sim = createSimulator({
    users: 10_000,
    days: 100,
    meetingsPerDay: 10_000,
    now: () => ANCHOR,
    anchor: ANCHOR,
  });
  const createMs = performance.now() - created;
  const heapCreated = heapMb();

  const tokenRes = await sim.fetch(
    new Request('http://sim/oauth2/token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'client_credentials',
        client_id: sim.credentials.appKey,
        client_secret: sim.credentials.appSecret,
      }),
    }),
  );
  const { access_token } = (await tokenRes.json()) as { access_token: string };
  const headers = { authorization: `Bearer ${access_token}` };
  const e = sim.enterpriseId;
  const getJson = async (path: string) => {
    const res = await sim.fetch(new Request(`http://sim${path}`, { headers }));
    if (res.status !== 200) throw new Error(`${path} -> ${res.status}`);
    return res.json() as Promise<unknown>;
  };

  const countStarted = performance.now();
  const { count: meetings } = (await getJson(`/v1/enterprise/${e}/indigo/meetings?limit=1&count=true`)) as {
    count: number;
  };
  const countMs = performance.now() - countStarted;
  const { count: users } = (await getJson(`/v1/enterprise/${e}/users?pageSize=1`)) as { count: number };
  const meetingPages = Math.ceil(meetings / 100);
  const userPages = Math.ceil(users / 100);

  const cases: [string, string][] = [
    ['users       start', `/v1/enterprise/${e}/users?pageSize=100&pageNumber=1`],
    ['users       middle', `/v1/enterprise/${e}/users?pageSize=100&pageNumber=${Math.ceil(userPages / 2)}`],
    ['users       end', `/v1/enterprise/${e}/users?pageSize=100&pageNumber=${userPages}`],
    ['meetings    start', `/v1/enterprise/${e}/indigo/meetings?limit=100&offset=0`],
    [
      'meetings    middle',
      `/v1/enterprise/${e}/indigo/meetings?limit=100&offset=${Math.floor(meetingPages / 2)}`,
    ],
    ['meetings    end', `/v1/enterprise/${e}/indigo/meetings?limit=100&offset=${meetingPages - 1}`],
    [
      'meetings    end+count',
      `/v1/enterprise/${e}/indigo/meetings?limit=100&offset=${meetingPages - 1}&count=true`,
    ],
    ['history     start', `/v1/enterprise/${e}/meeting_history?pageSize=100&pageNumber=1`],
    [
      'history     middle',
      `/v1/enterprise/${e}/meeting_history?pageSize=100&pageNumber=${Math.ceil(meetingPages / 2)}`,
    ],
    ['history     end', `/v1/enterprise/${e}/meeting_history?pageSize=100&pageNumber=${meetingPages}`],
  ];

  console.log(
    `BlueJeans simulator: ${users.toLocaleString('en-US')} listed users of 10,000, ${meetings.toLocaleString('en-US')} meetings`,
  );
  console.log(
    `create ${createMs.toFixed(0)} ms, first count=true ${countMs.toFixed(0)} ms; ${ITERATIONS} timed requests per row\n`,
  );
  console.log('page (size 100)          p50 ms   p95 ms   items');
  for (const [label, path] of cases) {
    let items = 0;
    for (let i = 0; i < WARMUP; i++) await getJson(path);
    const times: number[] = [];
    for (let i = 0; i < ITERATIONS; i++) {
      const t = performance.now();
      const body = await getJson(path);
      times.push(performance.now() - t);
      items = Array.isArray(body)
        ? body.length
        : (
            (body as { user?: unknown[]; meetings?: unknown[] }).user ??
            (body as { meetings: unknown[] }).meetings
          ).length;
    }
    times.sort((a, b) => a - b);
    console.log(
      `${label.padEnd(24)} ${percentile(times, 0.5).toFixed(2).padStart(7)}  ${percentile(times, 0.95).toFixed(2).padStart(7)}   ${items}`,
    );
  }

  const heapEnd = heapMb();
  console.log(
    `\nheap used: ${heapStart.toFixed(1)} MB before, ${heapCreated.toFixed(1)} MB after create, ${heapEnd.toFixed(1)} MB after all pages${gc ? '' : ' (no --expose-gc: figures include garbage)'}`,
  );
}

await main();
