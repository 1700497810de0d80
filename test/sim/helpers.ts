import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import SwaggerParser from '@apidevtools/swagger-parser';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { createSimulator, type SimOptions, type Simulator } from '../../sim/index';

/** Repository root (this file lives in test/sim). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The spec copy committed with the simulator. */
export const bundledSpecPath = path.join(repoRoot, 'sim/spec/swagger.yaml');
/** The shared original, beside the repository (present in the workspace and in CI). */
export const sharedSpecPath = path.resolve(repoRoot, '../shared/bluejeans/swagger.yaml');

/** Prefer the committed copy so tests never depend on a folder outside the repository. */
export function specPath(): string {
  return existsSync(bundledSpecPath) ? bundledSpecPath : sharedSpecPath;
}

/** 2026-01-15T12:00:00Z: a Thursday noon, so "today" already has meetings. */
export const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);

/** A controllable clock for the `now` option. */
export interface TestClock {
  now: () => number;
  set(ms: number): void;
  advance(ms: number): void;
}

export function testClock(start = T0): TestClock {
  let t = start;
  return {
    now: () => t,
    set: (ms) => {
      t = ms;
    },
    advance: (ms) => {
      t += ms;
    },
  };
}

/** A simulator on a fixed clock (small by default so tests stay fast). */
export function makeSim(opts: SimOptions = {}, clock = testClock()): { sim: Simulator; clock: TestClock } {
  return { sim: createSimulator({ users: 60, days: 10, now: clock.now, ...opts }), clock };
}

/** POSTs a token request body to /oauth2/token (optionally with the SDK's bare query key). */
export function tokenRequest(sim: Simulator, body: Record<string, unknown>, sdkKey = ''): Promise<Response> {
  return sim.fetch(
    new Request(`http://sim/oauth2/token${sdkKey ? `?${sdkKey}` : ''}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
  );
}

/** An app (client_credentials) access token. */
export async function appToken(sim: Simulator): Promise<string> {
  const res = await tokenRequest(sim, {
    grant_type: 'client_credentials',
    client_id: sim.credentials.appKey,
    client_secret: sim.credentials.appSecret,
  });
  if (res.status !== 200) throw new Error(`token request failed: ${res.status}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** A password-grant access token for the demo admin or the plain demo user. */
export async function userToken(sim: Simulator, who: 'admin' | 'plain'): Promise<string> {
  const u = who === 'admin' ? sim.credentials.adminUser : sim.credentials.plainUser;
  const res = await tokenRequest(sim, { grant_type: 'password', username: u.username, password: u.password });
  if (res.status !== 200) throw new Error(`token request failed: ${res.status}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** GET with a bearer token. */
export function get(sim: Simulator, pathAndQuery: string, token?: string): Promise<Response> {
  return sim.fetch(
    new Request(`http://sim${pathAndQuery}`, token ? { headers: { authorization: `Bearer ${token}` } } : {}),
  );
}

/** GET returning parsed JSON, failing loudly on a non-200. */
export async function getJson<T = unknown>(sim: Simulator, pathAndQuery: string, token: string): Promise<T> {
  const res = await get(sim, pathAndQuery, token);
  if (res.status !== 200) throw new Error(`GET ${pathAndQuery} -> ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** A Command Center / analytics `filter` parameter. */
export function filterParam(items: Record<string, unknown>[]): string {
  return encodeURIComponent(JSON.stringify(items));
}

/** Walks every page of a 1-based paged listing until a short page. */
export async function walkPages<T>(
  fetchPage: (page: number) => Promise<T[]>,
  pageSize: number,
): Promise<T[]> {
  const all: T[] = [];
  for (let page = 1; page < 100_000; page++) {
    const items = await fetchPage(page);
    all.push(...items);
    if (items.length < pageSize) return all;
  }
  throw new Error('listing did not end');
}

interface SpecOperation {
  path: string;
  method: string;
  responses: Record<string, { schema?: object }>;
}

/** The dereferenced spec with one ajv validator per (operationId, status). */
export class SpecValidator {
  private readonly ajv: Ajv;
  private readonly operations = new Map<string, SpecOperation>();
  private readonly cache = new Map<string, ValidateFunction | null>();
  readonly api: { paths: Record<string, Record<string, unknown>> };

  private constructor(api: { paths: Record<string, Record<string, unknown>> }) {
    this.api = api;
    // Swagger 2 schemas carry keywords JSON Schema does not know (example, readOnly, discriminator).
    this.ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(this.ajv);
    for (const [p, item] of Object.entries(api.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const o = op as { operationId?: string; responses?: SpecOperation['responses'] };
        if (!o.operationId || !o.responses) continue;
        // revokeAccessToken appears twice (plain and 3-legged); both share response shapes.
        const key = this.operations.has(o.operationId) ? `${o.operationId}@${p}` : o.operationId;
        this.operations.set(key, { path: p, method, responses: o.responses });
      }
    }
  }

  static async load(): Promise<SpecValidator> {
    const api = (await SwaggerParser.dereference(specPath())) as unknown as {
      paths: Record<string, Record<string, unknown>>;
    };
    return new SpecValidator(api);
  }

  /** The spec's (path, method) of an operation. */
  operation(operationId: string): SpecOperation {
    const op = this.operations.get(operationId);
    if (!op) throw new Error(`operation ${operationId} is not in the spec`);
    return op;
  }

  /** The schema the spec gives for a status (exact code, else `default`), or null for none. */
  validator(operationId: string, status: number): ValidateFunction | null {
    const key = `${operationId}:${status}`;
    if (this.cache.has(key)) return this.cache.get(key) ?? null;
    const { responses } = this.operation(operationId);
    const response = responses[String(status)] ?? responses.default;
    const fn = response?.schema ? this.ajv.compile(response.schema) : null;
    this.cache.set(key, fn);
    return fn;
  }

  /** Throws with ajv's errors unless `body` matches the spec's schema for this response. */
  assert(operationId: string, status: number, body: unknown): void {
    const op = this.operation(operationId);
    if (!op.responses[String(status)] && !op.responses.default) {
      throw new Error(`${operationId} has no ${status} response in the spec`);
    }
    const validate = this.validator(operationId, status);
    if (validate && !validate(body)) {
      throw new Error(
        `${operationId} ${status} does not match the spec: ${this.ajv.errorsText(validate.errors)}`,
      );
    }
  }

  /** Reads the response as JSON and validates it; returns the body. */
  async check<T = unknown>(operationId: string, res: Response): Promise<T> {
    const text = await res.text();
    if (res.status === 204) {
      if (text !== '') throw new Error('204 with a body');
      return undefined as T;
    }
    expectJsonContentType(res);
    const body = JSON.parse(text) as T;
    this.assert(operationId, res.status, body);
    return body;
  }
}

function expectJsonContentType(res: Response): void {
  const type = res.headers.get('content-type') ?? '';
  if (!type.includes('application/json')) throw new Error(`expected JSON, got ${type}`);
}
