/**
 * Workers entry: thin. Builds Deps once per isolate from bindings (database over
 * libSQL's HTTP protocol, i.e. Turso, through src/lib/hrana-http.ts), then hands
 * fetch/scheduled/queue to the app and the sync module.
 */
import { createApp } from './app';
import { buildDeps, type Deps, type QueueMessage, type SyncMessage } from './deps';
import { ConfigError, parseEnv } from './env';
import { createClient } from './lib/hrana-http';
import { chargingFetch, withBudget } from './lib/invocation';
import { bindingRateLimit, VERIFY_RATE_LIMIT } from './lib/rate-limit';
import { createRequestBudget, SUBREQUEST_PRESETS } from './lib/request-budget';
import { parseKeyRing } from './lib/seal';
import { fromAssetsBinding, withStaticAssets } from './lib/serve-assets';
import { consumeDeadLetters } from './sync/dead-letter';
import { consumeSyncMessages } from './sync/queue';
import { runScheduled } from './sync/scheduler';

/**
 * The Worker's bindings: `Cloudflare.Env` is generated from wrangler.toml by `npm run types`
 * (worker-configuration.d.ts, committed; `npm run check` fails when it is stale). Secrets are set with
 * `wrangler secret put` and never appear in wrangler.toml, so they are declared here.
 */
export type Env = Cloudflare.Env & {
  DATABASE_URL?: string;
  DATABASE_AUTH_TOKEN?: string;
  SEAL_KEYS?: string;
  EMBED_SECRET?: string;
};

interface Built {
  deps: Deps;
  app: ReturnType<typeof withStaticAssets>;
}

// Bindings are fixed for an isolate's life, so Deps are built once per env object.
const cache = new WeakMap<Env, Built>();

function build(env: Env): Built {
  const hit = cache.get(env);
  if (hit) return hit;
  const config = parseEnv(env as unknown as Record<string, unknown>);
  if (!env.SEAL_KEYS)
    throw new ConfigError(
      'Invalid configuration:\n  SEAL_KEYS: required on Workers (wrangler secret put SEAL_KEYS)',
    );
  if (config.DATABASE_URL.startsWith('file:') || config.DATABASE_URL === ':memory:') {
    throw new ConfigError(
      'Invalid configuration:\n  DATABASE_URL: Workers cannot open a file; use your Turso libsql:// or https:// URL',
    );
  }
  if (/^wss?:/.test(config.DATABASE_URL)) {
    throw new ConfigError(
      'Invalid configuration:\n  DATABASE_URL: the Worker talks to Turso over HTTP; use its libsql:// or https:// URL',
    );
  }
  const client = createClient({
    url: config.DATABASE_URL,
    // Every database round trip is a subrequest: charged to the invocation that makes it.
    fetch: chargingFetch((input, init) => fetch(input, init)),
    ...(config.DATABASE_AUTH_TOKEN ? { authToken: config.DATABASE_AUTH_TOKEN } : {}),
  });
  const queue = env.SYNC_QUEUE as Queue<QueueMessage> | undefined;
  const deps = buildDeps({
    config,
    client,
    keyRing: parseKeyRing(env.SEAL_KEYS),
    // Credential checks counted by the Rate Limiting binding when wrangler.toml has it, else the database.
    ...(env.VERIFY_LIMIT ? { verifyLimit: bindingRateLimit(env.VERIFY_LIMIT, VERIFY_RATE_LIMIT) } : {}),
    // Webhook receivers are subrequests too (BlueJeans requests are taken from the slice's budget).
    outboundFetch: chargingFetch((input, init) => fetch(input, init)),
    ...(queue
      ? {
          queue: {
            send: (m: QueueMessage, o?: { delaySeconds?: number }) => queue.send(m, o),
            // One subrequest per 100 messages instead of one per message.
            sendBatch: (ms: SyncMessage[]) => queue.sendBatch(ms.map((body) => ({ body }))),
          },
        }
      : {}),
  });
  // /assets/* run the Worker first (run_worker_first): pages' security headers and the loopback rule.
  const built = { deps, app: withStaticAssets(createApp(deps), fromAssetsBinding(env.ASSETS), deps) };
  cache.set(env, built);
  return built;
}

/** Messages the sync queue gave up on arrive from this queue (wrangler.toml `dead_letter_queue`). Not
 * exported: workerd takes every export of the main module for a handler. */
const DEAD_LETTER_QUEUE = 'seatwise-sync-dlq';

function misconfigured(err: unknown): Response {
  // The message names variables and expectations only, never values.
  const text = err instanceof ConfigError ? err.message : 'Seatwise could not start.';
  console.error(text);
  return new Response(`Seatwise is misconfigured.\n${text}\n`, {
    status: 500,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
  });
}

export default {
  async fetch(request, env, ctx) {
    let built: Built;
    try {
      built = build(env);
    } catch (err) {
      return misconfigured(err);
    }
    return built.app.fetch(request, env, ctx);
  },

  async scheduled(controller, env, ctx) {
    const { deps } = build(env);
    ctx.waitUntil(runScheduled(deps, controller.cron, controller.scheduledTime));
  },

  async queue(batch, env) {
    const { deps } = build(env);
    // One invocation, one subrequest budget for the whole batch (WORKERS_PLAN): database round trips
    // and BlueJeans requests alike.
    const budget = createRequestBudget(SUBREQUEST_PRESETS[deps.config.WORKERS_PLAN]);
    // Every message is acked or retried (with a growing delay) on its own inside the consumers.
    await withBudget(budget, async () => {
      if (batch.queue === DEAD_LETTER_QUEUE || batch.queue.endsWith('-dlq')) {
        await consumeDeadLetters(deps, batch.messages);
      } else {
        await consumeSyncMessages(deps, batch.messages, {}, budget);
      }
    });
    deps.logger.info('queue: invocation done', {
      queue: batch.queue,
      messages: batch.messages.length,
      subrequests: budget.used,
    });
  },
} satisfies ExportedHandler<Env, QueueMessage>;
