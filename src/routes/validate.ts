/**
 * Validates a request part (form, query, params ...) with a schema from src/lib/zlite, through
 * Hono's own `validator`, so `c.req.valid(target)` is typed by the schema's output.
 *
 * The hook sees the result (on failure `data` is the raw input, to re-render a form with what was
 * sent) and answers the bad request itself, typically with a page and a 4xx; a hook that answers
 * nothing leaves a plain 400 naming the problem. Bound to this app's environment so the hook gets a
 * typed `Context<AppEnv>` (forms re-render with `c.var.deps`).
 */
import type { Context, MiddlewareHandler, ValidationTargets } from 'hono';
import { validator } from 'hono/validator';
import type { AppEnv } from '../deps';
import type { Issue, ZodError, z } from '../lib/zlite';

export type ValidationResult<T extends z.ZodType, Target> = (
  | { success: true; data: z.output<T>; error?: undefined }
  | { success: false; data: unknown; error: ZodError }
) & { target: Target };

export type Hook<T extends z.ZodType, Target> = (
  result: ValidationResult<T, Target>,
  c: Context<AppEnv>,
) => unknown; // a Response (or a promise of one) answers the request; anything else lets it through

export function validate<T extends z.ZodType, Target extends keyof ValidationTargets>(
  target: Target,
  schema: T,
  hook: Hook<T, Target>,
): MiddlewareHandler<
  AppEnv,
  string,
  { in: { [K in Target]: z.input<T> }; out: { [K in Target]: z.output<T> } }
> {
  return validator(target, async (value: unknown, c: Context<AppEnv>) => {
    const result = schema.safeParse(value);
    const answer = await hook(
      result.success ? { ...result, target } : { success: false, data: value, error: result.error, target },
      c,
    );
    if (answer instanceof Response) return answer;
    if (!result.success) return c.text(describe(result.error.issues), 400);
    return result.data as z.output<T>;
  }) as unknown as MiddlewareHandler<
    AppEnv,
    string,
    { in: { [K in Target]: z.input<T> }; out: { [K in Target]: z.output<T> } }
  >;
}

function describe(issues: readonly Issue[]): string {
  const first = issues[0];
  const where = first?.path.length ? `${first.path.map(String).join('.')}: ` : '';
  return `Bad request: ${where}${first?.message ?? 'invalid input'}`;
}
