/**
 * `deno task start`: runs src/deno.ts with network access to exactly the configured hosts
 * (scripts/deno/net-allow.ts) instead of 127.0.0.1 only. Prints the list (host names, never a secret),
 * passes SIGINT/SIGTERM on to the app and exits with its status.
 */
import { denoNetAllowList } from './net-allow';

declare const Deno: {
  env: { toObject(): Record<string, string> };
  execPath(): string;
  args: string[];
  exit(code: number): never;
  addSignalListener(signal: 'SIGINT' | 'SIGTERM', handler: () => void): void;
  Command: new (
    cmd: string,
    options: { args: string[]; stdin: 'inherit'; stdout: 'inherit'; stderr: 'inherit' },
  ) => { spawn(): { status: Promise<{ code: number }>; kill(signal: 'SIGINT' | 'SIGTERM'): void } };
};

const hosts = denoNetAllowList(Deno.env.toObject());
console.log(`Deno network access: ${hosts.join(', ')}`);
const child = new Deno.Command(Deno.execPath(), {
  args: [
    'run',
    `--allow-net=${hosts.join(',')}`,
    '--allow-read',
    '--allow-write',
    '--allow-env',
    '--allow-ffi',
    '--allow-sys',
    'src/deno.ts',
    ...Deno.args,
  ],
  stdin: 'inherit',
  stdout: 'inherit',
  stderr: 'inherit',
}).spawn();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  Deno.addSignalListener(signal, () => {
    try {
      child.kill(signal);
    } catch {
      // Already gone.
    }
  });
}
Deno.exit((await child.status).code);
