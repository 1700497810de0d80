import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { GrantBody, SimEnv } from './context';

/** Answers with the spec's error body, `#/definitions/Error`: `{ message }`. */
export function fail(
  c: Context<SimEnv>,
  status: ContentfulStatusCode,
  message: string,
  headers?: Record<string, string>,
): Response {
  return c.json({ message }, status, headers);
}

/** The access token of a request: `Authorization: Bearer` wins over the `access_token` query parameter. */
export function accessTokenOf(c: Context<SimEnv>): string | undefined {
  const header = c.req.header('authorization');
  const m = header ? /^bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (m?.[1]) return m[1];
  const query = c.req.query('access_token');
  return query && query.length > 0 ? query : undefined;
}

/**
 * Reads a token request body once: JSON per the spec, form-encoded as OAuth clients often send.
 * Returns null when the body cannot be read as either.
 */
export async function readGrantBody(c: Context<SimEnv>): Promise<GrantBody | null> {
  const memo = c.get('grantBody');
  if (memo) return memo;
  const text = await c.req.text().catch(() => '');
  let body: GrantBody | null = null;
  const type = c.req.header('content-type') ?? '';
  if (text.trim() === '') {
    body = {};
  } else if (type.includes('application/x-www-form-urlencoded')) {
    body = Object.fromEntries(new URLSearchParams(text));
  } else {
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        body = {};
        for (const [k, v] of Object.entries(parsed)) {
          if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') body[k] = String(v);
        }
      }
    } catch {
      body = null;
    }
  }
  if (body) c.set('grantBody', body);
  return body;
}
