import { zValidator } from '@hono/zod-validator';
import { z } from 'zod';

/** Explains the first few zod issues in one line for the spec's `{ message }` body. */
export function describeIssues(error: z.core.$ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length > 0 ? `${i.path.join('.')}: ` : ''}${i.message}`)
    .join('; ');
}

/** Validates the query string; a failure answers 400 with the spec's error body. */
export function validQuery<T extends z.ZodType>(schema: T) {
  return zValidator('query', schema, (result, c) => {
    if (!result.success) return c.json({ message: `Invalid query: ${describeIssues(result.error)}` }, 400);
  });
}

/** An optional integer query parameter within [min, max]. */
export function intQuery(min: number, max: number) {
  return z.coerce.number().int().min(min).max(max).optional();
}

/** An optional boolean query parameter ("true"/"false", "1"/"0"). */
export const boolQuery = z.stringbool().optional();
