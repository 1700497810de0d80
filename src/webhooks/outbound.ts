/**
 * One outbound webhook request, safe by default: the URL is checked again (a policy change applies to
 * stored endpoints too), redirects are never followed (a 3xx is a failed attempt), the whole exchange is
 * cut off after the timeout, and at most 1 KB of the response body is read and kept.
 */
import type { FetchLike } from '../connectors/types';
import { checkWebhookUrl } from './safe-url';

export const TIMEOUT_MS = 5000;
export const MAX_RESPONSE_BYTES = 1024;

export interface OutboundResult {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  responseExcerpt: string | null;
}

async function readCapped(res: Response): Promise<string | null> {
  if (!res.body) return null;
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < MAX_RESPONSE_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } finally {
    // The rest is never read: a receiver cannot make Seatwise download or hold more.
    await reader.cancel().catch(() => undefined);
  }
  const bytes = new Uint8Array(Math.min(size, MAX_RESPONSE_BYTES));
  let at = 0;
  for (const c of chunks) {
    const part = c.subarray(0, bytes.length - at);
    bytes.set(part, at);
    at += part.length;
    if (at >= bytes.length) break;
  }
  return new TextDecoder().decode(bytes);
}

export async function sendWebhook(
  fetchLike: FetchLike,
  input: {
    url: string;
    headers: Record<string, string>;
    body: string;
    localMode: boolean;
    timeoutMs?: number;
    now: () => number;
  },
): Promise<OutboundResult> {
  const started = input.now();
  const check = checkWebhookUrl(input.url, { localMode: input.localMode });
  if (!check.ok) {
    return {
      ok: false,
      statusCode: null,
      error: `refused: ${check.reason}`,
      durationMs: 0,
      responseExcerpt: null,
    };
  }
  const controller = new AbortController();
  const timeoutMs = input.timeoutMs ?? TIMEOUT_MS;
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const res = await fetchLike(check.url.toString(), {
      method: 'POST',
      headers: input.headers,
      body: input.body,
      redirect: 'manual',
      signal: controller.signal,
    });
    const excerpt = await readCapped(res);
    const ok = res.status >= 200 && res.status < 300;
    const redirect = res.status >= 300 && res.status < 400;
    return {
      ok,
      statusCode: res.status,
      error: ok ? null : redirect ? 'redirect not followed' : `HTTP ${res.status}`,
      durationMs: input.now() - started,
      responseExcerpt: excerpt,
    };
  } catch (err) {
    const aborted = controller.signal.aborted;
    return {
      ok: false,
      statusCode: null,
      error: aborted
        ? `timed out after ${timeoutMs / 1000} s`
        : `could not connect: ${err instanceof Error ? err.message : String(err)}`.slice(0, 300),
      durationMs: input.now() - started,
      responseExcerpt: null,
    };
  } finally {
    clearTimeout(timer);
  }
}
