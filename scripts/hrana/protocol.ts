/**
 * The Hrana over HTTP v2 JSON wire format, as `@libsql/hrana-client` writes and reads it: request
 * decoding (validated, so a malformed body is a 400 instead of a crash deep in the engine) and the
 * value codec. Kept apart from the server so the engine code deals only in plain JS values.
 */
import { z } from 'zod';

/** A SQLite value as the engine binds and returns it. */
export type SqlValue = null | bigint | number | string | Uint8Array;

const minInteger = -(2n ** 63n);
const maxInteger = 2n ** 63n - 1n;

const valueSchema = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('null') }),
    z.object({ type: z.literal('integer'), value: z.string().regex(/^-?[0-9]+$/) }),
    z.object({ type: z.literal('float'), value: z.number() }),
    z.object({ type: z.literal('text'), value: z.string() }),
    z.object({ type: z.literal('blob'), base64: z.string() }),
  ])
  .transform((v, ctx): SqlValue => {
    switch (v.type) {
      case 'null':
        return null;
      case 'integer': {
        const n = BigInt(v.value);
        if (n < minInteger || n > maxInteger) {
          ctx.addIssue({ code: 'custom', message: 'integer out of 64-bit range' });
          return z.NEVER;
        }
        return n;
      }
      case 'float':
      case 'text':
        return v.value;
      case 'blob':
        return new Uint8Array(Buffer.from(v.base64, 'base64'));
    }
  });

const stmtSchema = z.object({
  sql: z.string().nullish(),
  sql_id: z.number().int().nullish(),
  args: z.array(valueSchema).nullish(),
  named_args: z.array(z.object({ name: z.string(), value: valueSchema })).nullish(),
  want_rows: z.boolean().nullish(),
});

/** A statement as sent by the client (exactly one of `sql` and `sql_id` should be set). */
export type Stmt = z.output<typeof stmtSchema>;

/** A batch step condition; `ok`/`error` refer to earlier steps by index. */
export type BatchCond =
  | { type: 'ok'; step: number }
  | { type: 'error'; step: number }
  | { type: 'not'; cond: BatchCond }
  | { type: 'and'; conds: BatchCond[] }
  | { type: 'or'; conds: BatchCond[] }
  | { type: 'is_autocommit' };

const condSchema: z.ZodType<BatchCond> = z.lazy(() =>
  z.discriminatedUnion('type', [
    z.object({ type: z.literal('ok'), step: z.number().int().nonnegative() }),
    z.object({ type: z.literal('error'), step: z.number().int().nonnegative() }),
    z.object({ type: z.literal('not'), cond: condSchema }),
    z.object({ type: z.literal('and'), conds: z.array(condSchema) }),
    z.object({ type: z.literal('or'), conds: z.array(condSchema) }),
    z.object({ type: z.literal('is_autocommit') }),
  ]),
);

const sqlRefShape = { sql: z.string().nullish(), sql_id: z.number().int().nullish() };

const requestSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('close') }),
  z.object({ type: z.literal('execute'), stmt: stmtSchema }),
  z.object({
    type: z.literal('batch'),
    batch: z.object({ steps: z.array(z.object({ condition: condSchema.nullish(), stmt: stmtSchema })) }),
  }),
  z.object({ type: z.literal('sequence'), ...sqlRefShape }),
  z.object({ type: z.literal('describe'), ...sqlRefShape }),
  z.object({ type: z.literal('store_sql'), sql_id: z.number().int(), sql: z.string() }),
  z.object({ type: z.literal('close_sql'), sql_id: z.number().int() }),
  z.object({ type: z.literal('get_autocommit') }),
]);

/** One request of a pipeline. */
export type StreamRequest = z.output<typeof requestSchema>;

const pipelineSchema = z.object({ baton: z.string().nullish(), requests: z.array(requestSchema) });

/** The body of `POST /v2/pipeline`. */
export type PipelineRequest = z.output<typeof pipelineSchema>;

/** Validates a parsed JSON body; the error message names the first bad field. */
export function parsePipelineRequest(
  body: unknown,
): { ok: true; value: PipelineRequest } | { ok: false; message: string } {
  const parsed = pipelineSchema.safeParse(body);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue?.path.join('.') ?? '';
  return { ok: false, message: `Invalid pipeline request${where ? ` at ${where}` : ''}: ${issue?.message}` };
}

/** A value in its JSON wire form. */
export type WireValue =
  | { type: 'null' }
  | { type: 'integer'; value: string }
  | { type: 'float'; value: number }
  | { type: 'text'; value: string }
  | { type: 'blob'; base64: string };

/** Encodes what the engine returned; integers stay exact because they travel as strings. */
export function encodeValue(value: unknown): WireValue {
  if (value === null || value === undefined) return { type: 'null' };
  if (typeof value === 'bigint') return { type: 'integer', value: value.toString() };
  if (typeof value === 'number') {
    // JSON has no Infinity; SQLite makes one from overflowing REALs (NaN is already NULL there).
    if (!Number.isFinite(value)) return { type: 'null' };
    return { type: 'float', value };
  }
  if (typeof value === 'string') return { type: 'text', value };
  if (value instanceof Uint8Array) return { type: 'blob', base64: Buffer.from(value).toString('base64') };
  throw new TypeError(`Unexpected value from the engine: ${typeof value}`);
}

/** A failure as it travels in a result or an HTTP error body. */
export interface WireError {
  message: string;
  code: string;
}

/** The result of one statement. */
export interface WireStmtResult {
  cols: { name: string | null; decltype: string | null }[];
  rows: WireValue[][];
  affected_row_count: number;
  last_insert_rowid: string | null;
}

/** The result of a batch: per step, a result or an error or (skipped) neither. */
export interface WireBatchResult {
  step_results: (WireStmtResult | null)[];
  step_errors: (WireError | null)[];
}

/** The result of `describe`. */
export interface WireDescribeResult {
  params: { name: string | null }[];
  cols: { name: string; decltype: string | null }[];
  is_explain: boolean;
  is_readonly: boolean;
}

/** The response to one pipeline request, tagged like the request. */
export type StreamResponse =
  | { type: 'close' }
  | { type: 'execute'; result: WireStmtResult }
  | { type: 'batch'; result: WireBatchResult }
  | { type: 'sequence' }
  | { type: 'describe'; result: WireDescribeResult }
  | { type: 'store_sql' }
  | { type: 'close_sql' }
  | { type: 'get_autocommit'; is_autocommit: boolean };

/** One entry of `results` in a pipeline response. */
export type StreamResult = { type: 'ok'; response: StreamResponse } | { type: 'error'; error: WireError };

/** The body of a pipeline response. */
export interface PipelineResponse {
  baton: string | null;
  base_url: string | null;
  results: StreamResult[];
}
