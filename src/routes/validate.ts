/**
 * `zValidator` bound to this app's environment, so a validation hook receives a
 * typed `Context<AppEnv>` (the hook re-renders forms, which needs `c.var.deps`).
 * TypeScript cannot infer the environment from the hook alone.
 */
import { type Hook, zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import type { z } from 'zod';
import type { AppEnv } from '../deps';

export function validate<T extends z.ZodType, Target extends keyof ValidationTargets>(
  target: Target,
  schema: T,
  hook: Hook<z.infer<T>, AppEnv, string, Target, object, T>,
) {
  return zValidator<T, Target, AppEnv, string, typeof hook>(target, schema, hook);
}
