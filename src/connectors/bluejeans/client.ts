/**
 * The HTTP client: one place where a BlueJeans call becomes a request and its answer becomes data or a
 * ConnectorError. Everything it needs is injected (fetch, clock, limiter, budget, randomness); nothing is
 * global. Each request: budget -> rate limit -> token -> fetch with a timeout -> JSON -> zod envelope.
 */

import { parseRetryAfter } from '../../lib/backoff';
import type { Clock } from '../../lib/clock';
import type { RequestBudget } from '../../lib/request-budget';
import type { RateLimiter } from '../../lib/token-bucket';
import type { z } from '../../lib/zlite';
import type { ConnectorError, FetchLike } from '../types';
import type { BlueJeansConfig } from './config';
import {
  badResponse,
  budgetExhausted,
  type CallContext,
  type FailureCause,
  rateLimited,
  redact,
  serverError,
  statusError,
  unreachable,
} from './errors';
import { type Attempt, retrying } from './retry';
import { ErrorBody } from './schemas';

/** Hands out access tokens for a connection and learns when BlueJeans refuses one. */
export interface TokenSource {
  /** A token believed valid (cached, or freshly minted). */
  token(): Promise<string>;
  /** BlueJeans answered 401 to `token`: drop it. Returns whether asking `token()` again can help. */
  reject(token: string): Promise<boolean>;
}

/** How a call authenticates. */
export type CallAuth =
  | { kind: 'none' }
  | { kind: 'bearer'; token: string }
  | { kind: 'source'; source: TokenSource };

export interface CallSpec<S extends z.ZodType | null> {
  /** The spec's operationId, kept in error causes for diagnosis. */
  operationId: string;
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: Record<string, unknown>;
  auth: CallAuth;
  context: CallContext;
  /** The envelope schema; `null` when the answer has no body worth reading (204). */
  schema: S;
  /** Secret values the call carries; scrubbed from anything the error keeps. */
  secrets?: readonly (string | undefined)[];
  /** Adds `app_name` (Command Center calls). */
  appName?: boolean;
}

export interface ClientDeps {
  fetch: FetchLike;
  clock: Clock;
  config: BlueJeansConfig;
  limiter: RateLimiter;
  budget?: RequestBudget | undefined;
  random: () => number;
  /** Overrides of the retry limits (verify uses shorter ones). */
  retry?: { maxRetries: number; maxTotalWaitMs: number };
}

export interface BlueJeansClient {
  readonly config: BlueJeansConfig;
  /** Sends the call with retries; resolves to the parsed envelope or throws a ConnectorError. */
  call<S extends z.ZodType | null>(spec: CallSpec<S>): Promise<S extends z.ZodType ? z.infer<S> : undefined>;
  /** The same client with other limits (e.g. no budget, shorter retries). */
  with(overrides: Partial<Pick<ClientDeps, 'budget' | 'retry' | 'limiter'>>): BlueJeansClient;
}

type Sent =
  | { ok: true; status: number; headers: Headers; text: string }
  | { ok: false; reason: 'timeout' | 'network' };

/** Builds a client over injected dependencies. */
export function createClient(deps: ClientDeps): BlueJeansClient {
  const { config, clock } = deps;
  const policy = {
    maxRetries: deps.retry?.maxRetries ?? config.maxRetries,
    maxTotalWaitMs: deps.retry?.maxTotalWaitMs ?? config.maxTotalWaitMs,
    baseMs: config.backoffBaseMs,
    capMs: config.backoffCapMs,
    random: deps.random,
    clock,
  };

  async function send(spec: CallSpec<z.ZodType | null>, token: string | undefined): Promise<Sent> {
    if (deps.budget && !deps.budget.tryTake()) throw budgetExhausted();
    await deps.limiter.take();
    const url = new URL(config.apiBase + spec.path);
    for (const [k, v] of Object.entries(spec.query ?? {})) {
      if (v !== undefined) url.searchParams.set(k, String(v));
    }
    if (spec.appName) url.searchParams.set('app_name', config.appName);
    const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': config.userAgent };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (spec.body) headers['Content-Type'] = 'application/json';
    // Our own timer (not AbortSignal.timeout) so it is cleared as soon as the body is read.
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), config.timeoutMs);
    try {
      const res = await deps.fetch(url.toString(), {
        method: spec.method,
        headers,
        body: spec.body ? JSON.stringify(spec.body) : undefined,
        signal: controller.signal,
      });
      const text = await res.text();
      return { ok: true, status: res.status, headers: res.headers, text };
    } catch {
      // The raw error may print the URL (with a token in its query); keep only what kind of failure it was.
      return { ok: false, reason: controller.signal.aborted ? 'timeout' : 'network' };
    } finally {
      clearTimeout(timer);
    }
  }

  /** One try (plus at most one re-mint per call, tracked in `state` across tries). */
  async function attempt(
    spec: CallSpec<z.ZodType | null>,
    state: { reminted: boolean },
  ): Promise<Attempt<unknown>> {
    for (;;) {
      const token =
        spec.auth.kind === 'bearer'
          ? spec.auth.token
          : spec.auth.kind === 'source'
            ? await spec.auth.source.token()
            : undefined;
      const secrets = [...(spec.secrets ?? []), token];
      const sent = await send(spec, token);
      const base: FailureCause = { operationId: spec.operationId };
      if (!sent.ok) return { retry: unreachable({ ...base, reason: sent.reason }, config.timeoutMs) };
      const { status } = sent;
      if (status >= 200 && status < 300) {
        if (spec.schema === null) return { done: undefined };
        let json: unknown;
        try {
          json = JSON.parse(sent.text);
        } catch {
          return { retry: badResponse({ ...base, status, reason: 'not_json' }, status) };
        }
        const parsed = spec.schema.safeParse(json);
        if (!parsed.success)
          return { retry: badResponse({ ...base, status, reason: 'unexpected_shape' }, status) };
        return { done: parsed.data };
      }
      const body = readErrorBody(sent.text);
      const cause: FailureCause = {
        ...base,
        status,
        vendorMessage: body?.message ? redact(body.message, secrets) : undefined,
      };
      if (status === 429 || status >= 500) {
        const retryAfterMs = parseRetryAfter(sent.headers.get('retry-after'), clock.now());
        const err: ConnectorError =
          status === 429 ? rateLimited(cause, retryAfterMs) : serverError(cause, status, retryAfterMs);
        return { retry: err, retryAfterMs };
      }
      // A 401 with a cached token: drop it and mint again, once. A second 401 is final.
      if (status === 401 && spec.auth.kind === 'source' && token && !state.reminted) {
        state.reminted = true;
        if (await spec.auth.source.reject(token)) continue;
      }
      throw statusError(spec.context, status, body, cause);
    }
  }

  const client: BlueJeansClient = {
    config,
    call: (spec) => {
      const state = { reminted: false };
      return retrying(policy, () => attempt(spec, state)) as never;
    },
    with: (overrides) => createClient({ ...deps, ...overrides }),
  };
  return client;
}

function readErrorBody(text: string): ErrorBody | undefined {
  try {
    const parsed = ErrorBody.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
