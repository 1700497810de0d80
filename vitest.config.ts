import { defineConfig } from 'vitest/config';

/**
 * One `npm test`, several projects:
 * - node: routes, services, connector, sync and simulator on embedded libSQL (most tests);
 * - workers: the Worker build inside workerd (added by test/workers/vitest.config.ts);
 * - browser: real Chromium against the Node build (test/e2e).
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
          exclude: ['test/workers/**', 'test/e2e/**', 'node_modules/**'],
          environment: 'node',
          testTimeout: 20_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          // One Chromium at a time on a 2-core machine.
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      'test/workers/vitest.config.ts',
    ],
  },
});
