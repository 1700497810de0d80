/**
 * What Seatwise uses of zod's classic API, re-exported from zod's own modules without the rest of its
 * entry point: the entry re-exports every locale (about 260 KB minified), JSON Schema conversion and
 * the `core` namespace, which keeps all of them in a bundle. The Worker build aliases `zod` to
 * ./index.ts (wrangler.toml `[alias]`); the schemas, their methods and English error messages are
 * zod's, unchanged. Node, Deno and the type checker use the real `zod`. A new `z.something` used on the
 * Worker path must be added here; test/app/zod-slim.test.ts fails until it is.
 */

export * as coerce from '../../../node_modules/zod/v4/classic/coerce.js';
export { ZodError } from '../../../node_modules/zod/v4/classic/errors.js';
export {
  array,
  boolean,
  discriminatedUnion,
  email,
  enum,
  literal,
  number,
  object,
  preprocess,
  strictObject,
  string,
  union,
  unknown,
  url,
  ZodType,
} from '../../../node_modules/zod/v4/classic/schemas.js';
