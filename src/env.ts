/**
 * Configuration: one zod schema, parsed once at start-up. A bad value stops the
 * process with one message naming every offending variable and what it expects.
 * Workers reads the same names from bindings and secrets.
 */

import { parseKeyRing } from './lib/seal';
import { z } from './lib/zlite';

const DATABASE_URL_PATTERN = /^(file:|libsql:|https?:|wss?:|:memory:$)/;

function optionalText() {
  return z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z.string().optional(),
  );
}

function baseUrl(fallback: string) {
  return z
    .url({ protocol: /^https?$/, error: 'expected an http(s) URL such as https://api.bluejeans.com' })
    .default(fallback)
    .transform((u) => u.replace(/\/+$/, ''));
}

const originList = z
  .string()
  .default('')
  .transform((s, ctx) => {
    const origins = s
      .split(/[\s,]+/)
      .map((o) => o.trim())
      .filter(Boolean);
    for (const o of origins) {
      if (!/^https?:\/\/[^/\s]+$/.test(o)) {
        ctx.addIssue({ code: 'custom', message: `"${o}" is not an origin like https://portal.example.com` });
      }
    }
    return origins;
  });

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** A key set URL: https, or http on a loopback address (tests, local Access-compatible proxies). */
function keysUrl(name: string) {
  return optionalText().refine(
    (v) => {
      if (v === undefined) return true;
      try {
        const u = new URL(v);
        return u.protocol === 'https:' || (u.protocol === 'http:' && LOOPBACK.has(u.hostname));
      } catch {
        return false;
      }
    },
    { message: `expected an https URL (http only on 127.0.0.1/localhost) for ${name}` },
  );
}

export const EnvSchema = z.object({
  PORT: z.coerce
    .number({ error: 'expected a port number' })
    .int()
    .min(1, 'expected a port between 1 and 65535')
    .max(65535, 'expected a port between 1 and 65535')
    .default(8787),
  DATABASE_URL: z
    .string()
    .default('file:./data/seatwise.db')
    .refine((u) => DATABASE_URL_PATTERN.test(u), 'expected file:, libsql:, http(s): or :memory:'),
  DATABASE_AUTH_TOKEN: optionalText(),
  BLUEJEANS_API_BASE: baseUrl('https://api.bluejeans.com'),
  BLUEJEANS_AUTH_BASE: baseUrl('https://bluejeans.com'),
  BLUEJEANS_RATE_LIMIT: z.coerce
    .number({ error: 'expected requests per second' })
    .positive('expected a positive number of requests per second')
    .max(100)
    .default(2),
  /** How long a sync lease lives unrenewed: a killed sync is known (and resumable) this soon. */
  SYNC_LEASE_TTL_SECONDS: z.coerce
    .number({ error: 'expected a number of seconds' })
    .int('expected a whole number of seconds')
    .min(2, 'expected at least 2 seconds')
    .max(600, 'expected at most 600 seconds')
    .default(30),
  /** The Workers plan, for the subrequest budget of one invocation (free: 50, paid: 1,000). */
  WORKERS_PLAN: z.enum(['free', 'paid'], { error: 'expected "free" or "paid"' }).default('free'),
  SEAL_KEYS: optionalText().superRefine((v, ctx) => {
    if (v === undefined) return;
    try {
      parseKeyRing(v);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
    }
  }),
  EMBED_SECRET: optionalText().refine(
    (v) => v === undefined || v.length >= 32,
    'expected at least 32 characters (use `openssl rand -base64 48`)',
  ),
  EMBED_ALLOWED_ORIGINS: originList,
  AUTH_MODE: z.enum(['local', 'access'], { error: 'expected "local" or "access"' }).default('local'),
  /** Cloudflare Access team domain, e.g. `acme.cloudflareaccess.com` (AUTH_MODE=access). */
  ACCESS_TEAM_DOMAIN: optionalText().refine((v) => v === undefined || /^[a-z0-9.-]+$/i.test(v), {
    message: 'expected a host name like acme.cloudflareaccess.com',
  }),
  /** The Access application's audience tag (AUTH_MODE=access). */
  ACCESS_AUD: optionalText(),
  /** Where Access signing keys are fetched (default: the team domain's /cdn-cgi/access/certs). */
  ACCESS_CERTS_URL: keysUrl('ACCESS_CERTS_URL'),
  /** `true`: an embed token naming an unknown organization creates it (a portal provisions its tenants). */
  EMBED_AUTO_CREATE_ORGS: z
    .enum(['true', 'false'], { error: 'expected "true" or "false"' })
    .default('false')
    .transform((v) => v === 'true'),
  /** JWKS of portals that sign embed tokens with a private key (RS256/ES256). */
  EMBED_JWKS_URL: keysUrl('EMBED_JWKS_URL'),
  /** Public origin of this deployment (OAuth redirect URIs, invite links); defaults to the request's origin. */
  PUBLIC_URL: optionalText().refine((v) => v === undefined || /^https?:\/\/[^/\s]+\/?$/.test(v), {
    message: 'expected an origin like https://seatwise.example.com',
  }),
});

export type Config = z.output<typeof EnvSchema>;

// Access mode cannot verify anyone without knowing whose tokens to trust.
const ConfigSchema = EnvSchema.superRefine((c, ctx) => {
  if (c.AUTH_MODE !== 'access') return;
  if (!c.ACCESS_TEAM_DOMAIN) {
    ctx.addIssue({ code: 'custom', path: ['ACCESS_TEAM_DOMAIN'], message: 'required when AUTH_MODE=access' });
  }
  if (!c.ACCESS_AUD)
    ctx.addIssue({ code: 'custom', path: ['ACCESS_AUD'], message: 'required when AUTH_MODE=access' });
});

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Reads configuration from `process.env` or Worker bindings; throws ConfigError listing every bad variable. */
export function parseEnv(raw: Record<string, unknown>): Config {
  const strings: Record<string, unknown> = {};
  for (const key of Object.keys(EnvSchema.shape)) {
    const value = raw[key];
    if (typeof value === 'string' || typeof value === 'number') strings[key] = value;
  }
  const result = ConfigSchema.safeParse(strings);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `  ${String(issue.path[0] ?? '?')}: ${issue.message}`);
  throw new ConfigError(`Invalid configuration:\n${[...new Set(lines)].join('\n')}`);
}
