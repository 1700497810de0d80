// Types for tests that run inside workerd: the `cloudflare:test` helpers, and the Worker's own
// bindings and exports behind `env` and `exports` from `cloudflare:workers`.
/// <reference types="@cloudflare/vitest-pool-workers/types" />
import type { Env as WorkerEnv } from '../../src/worker';

declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {}
    interface GlobalProps {
      mainModule: typeof import('../../src/worker');
    }
  }
}
