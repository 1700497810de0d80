/**
 * The real Node server of the usage benchmarks in a child process (bench/serve-child.ts), so the load
 * generator does not share its event loop, and what it costs: its RSS and its CPU time, read from
 * /proc (CPU per request is the figure other work on the machine barely moves; latency it does).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface ChildServer {
  base: string;
  pid: number;
  stop(): void;
}

/** Starts the server on `url`; `nodeArgs` go to its node (e.g. `--cpu-prof`). */
export function startServer(url: string, nodeArgs: string[] = []): Promise<ChildServer> {
  const child = spawn(
    process.execPath,
    [...nodeArgs, '--import', 'tsx', new URL('./serve-child.ts', import.meta.url).pathname],
    {
      env: { ...process.env, DATABASE_URL: url, AUTH_MODE: 'local' },
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    },
  );
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`server exited (${code})`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      const m = /URL (\S+)/.exec(chunk.toString());
      if (m?.[1]) resolve({ base: m[1], pid: child.pid ?? 0, stop: () => child.kill('SIGTERM') });
    });
  });
}

export function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** User + system CPU time of a process so far, in ms (Linux clock ticks of 10 ms). */
export function cpuMsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}
