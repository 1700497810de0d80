/** Spawning an entry as a real process, waiting for it to listen, and stopping it. */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface Spawned {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/**
 * Starts `command` as the leader of its own process group, so `stop` reaches every process under it:
 * `npx tsx …` runs the entry in a grandchild that a signal to the child alone leaves running.
 */
export function spawnProcess(command: string, args: string[], env: Record<string, string>): Spawned {
  const child = spawn(command, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      // The group is gone already.
    }
  };
  // A test run that ends without calling stop() must not leave servers behind either.
  const onExit = () => signalGroup('SIGKILL');
  process.once('exit', onExit);
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    out += d;
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      process.off('exit', onExit);
      resolve(code);
    }),
  );
  return {
    child,
    output: () => out,
    exited,
    stop: async () => {
      if (child.exitCode === null) signalGroup('SIGTERM');
      const timer = setTimeout(() => signalGroup('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      // The entry's own process may outlive the launcher that just exited.
      signalGroup('SIGKILL');
    },
  };
}

/** Polls `url` until it answers or the deadline passes (process start-up, not a timed assertion). */
export async function waitForHttp(url: string, proc: Spawned, deadlineMs = 60_000): Promise<Response> {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    if (proc.child.exitCode !== null) throw new Error(`process exited early:\n${proc.output()}`);
    try {
      return await fetch(url);
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`no answer from ${url}:\n${proc.output()}`);
}
