import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** A 4xx whose message is safe and useful to show the user as is. */
export function userError(status: ContentfulStatusCode, message: string): HTTPException {
  return new HTTPException(status, { message });
}

/** True when htmx made the request, so a fragment (not a page) is the right answer. */
export function isHtmx(headers: { header(name: string): string | undefined }): boolean {
  return headers.header('HX-Request') === 'true';
}
