/**
 * Seatwise's validation: the part of zod 4's classic API the source uses (`z.object`, `z.string().max()`,
 * `.optional()`, `.refine()` ...), written small, for every build (Node, Deno and the Worker).
 *
 * Why not zod itself: zod is the largest part of the Worker bundle (about 27 KB of its gzip, against a
 * 150 KB budget), and zod's classic schemas bind every method on every instance, so building several
 * hundred of them at module load was most of the Worker's own cold start. Here a schema is a small
 * object whose methods live on its class's prototype.
 *
 * Behaviour follows zod 4.6 on purpose, so nothing a user sees changed: the same issues (code, path,
 * English message), the same message precedence (an issue's own message, then its check's `error`, then
 * its schema's `error`, then zod's English default), the same handling of absent keys, defaults, catch,
 * pipes, unions and aborting checks. test/lib/zlite.test.ts compares it with zod on Seatwise's schema
 * shapes and generated inputs. Only what Seatwise calls exists; add a method there first.
 */

// ---- issues ---------------------------------------------------------------------------------------

/** A finished issue, as `safeParse` reports it (zod's `$ZodIssue` fields, without `input`). */
export interface Issue {
  readonly code: string;
  readonly path: PropertyKey[];
  readonly message: string;
  readonly [key: string]: unknown;
}

type Message = string | { message: string } | undefined;
/** An `error` param: a message, or a function of the raw issue (`undefined`: fall through). */
type ErrorMap = (issue: RawIssue) => Message;
type ErrorParam = string | ((issue: RawIssue) => Message);
type Params = string | { error?: ErrorParam; message?: string; path?: PropertyKey[]; abort?: boolean };

interface Owner {
  err?: ErrorMap | undefined;
}

/** An issue while parsing: `inst` raised it, `owner` is the schema whose check raised it. */
export interface RawIssue {
  code: string;
  input?: unknown;
  path?: PropertyKey[];
  message?: string;
  /** true: later checks still run (zod's `continue`). */
  continue?: boolean;
  inst?: Owner;
  owner?: Owner;
  [key: string]: unknown;
}

interface Payload {
  value: unknown;
  issues: RawIssue[];
  aborted?: boolean;
}

/** A refinement's or transform's context (`ctx.addIssue`). */
export interface RefinementCtx {
  value: unknown;
  issues: RawIssue[];
  addIssue(issue: { code?: string; message?: string; path?: PropertyKey[]; [key: string]: unknown }): void;
}

function errorMap(p: Params | undefined): { err?: ErrorMap; path?: PropertyKey[]; abort?: boolean } {
  if (p === undefined) return {};
  if (typeof p === 'string') return { err: () => p };
  const e = p.message ?? p.error;
  return {
    ...(e === undefined ? {} : { err: typeof e === 'string' ? () => e : e }),
    ...(p.path ? { path: p.path } : {}),
    ...(p.abort ? { abort: true } : {}),
  };
}

const aborted = (p: Payload, from = 0) =>
  p.aborted === true || p.issues.slice(from).some((i) => i.continue !== true);

function prefix(key: PropertyKey, issues: RawIssue[]): RawIssue[] {
  for (const i of issues) i.path = [key, ...(i.path ?? [])];
  return issues;
}

const unwrap = (m: Message) => (typeof m === 'string' ? m : m?.message);

function finish(raw: RawIssue): Issue {
  const message =
    raw.message ??
    unwrap(raw.inst?.err?.(raw)) ??
    (raw.owner !== raw.inst ? unwrap(raw.owner?.err?.(raw)) : undefined) ??
    english(raw);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(raw)) {
    if (k !== 'inst' && k !== 'owner' && k !== 'continue' && k !== 'input') out[k] = raw[k];
  }
  out.path ??= [];
  out.message = message;
  return out as unknown as Issue;
}

function typeName(input: unknown): string {
  if (typeof input === 'number')
    return Number.isNaN(input) ? 'NaN' : Number.isFinite(input) ? 'number' : String(input);
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'array';
  if (typeof input === 'object') {
    const proto = Object.getPrototypeOf(input);
    const ctor = (input as { constructor?: { name?: string } }).constructor;
    if (proto !== Object.prototype && 'constructor' in input && ctor) return ctor.name ?? 'object';
  }
  return typeof input;
}

const show = (v: unknown) => (typeof v === 'string' ? `"${v}"` : typeof v === 'bigint' ? `${v}n` : `${v}`);
const UNITS: Record<string, string> = { string: 'characters', array: 'items' };
const FORMATS: Record<string, string> = { regex: 'input', email: 'email address', url: 'URL' };

/** zod's English messages (its `en` locale) for the issues this module raises. */
function english(i: RawIssue): string {
  switch (i.code) {
    case 'invalid_type': {
      const expected = i.expected === 'nan' ? 'NaN' : String(i.expected);
      return `Invalid input: expected ${expected}, received ${typeName(i.input)}`;
    }
    case 'invalid_value': {
      const values = i.values as unknown[];
      return values.length === 1
        ? `Invalid input: expected ${show(values[0])}`
        : `Invalid option: expected one of ${values.map(show).join('|')}`;
    }
    case 'too_big':
    case 'too_small': {
      const big = i.code === 'too_big';
      const adj = i.inclusive ? (big ? '<=' : '>=') : big ? '<' : '>';
      const unit = UNITS[String(i.origin)];
      const bound = String(big ? i.maximum : i.minimum);
      const origin = String(i.origin ?? 'value');
      return `Too ${big ? 'big' : 'small'}: expected ${origin} to ${unit ? `have ${adj}${bound} ${unit}` : `be ${adj}${bound}`}`;
    }
    case 'invalid_format':
      return i.format === 'regex'
        ? `Invalid string: must match pattern ${String(i.pattern)}`
        : `Invalid ${FORMATS[String(i.format)] ?? String(i.format)}`;
    case 'unrecognized_keys': {
      const keys = i.keys as string[];
      return `Unrecognized key${keys.length > 1 ? 's' : ''}: ${keys.map(show).join(', ')}`;
    }
    case 'invalid_union': {
      const options = i.options as unknown[] | undefined;
      return options?.length
        ? `Invalid discriminator value. Expected ${options.map((o) => `'${String(o)}'`).join(' | ')}`
        : 'Invalid input';
    }
    default:
      return 'Invalid input';
  }
}

export class ZodError extends Error {
  override readonly name = 'ZodError';
  constructor(readonly issues: Issue[]) {
    super(JSON.stringify(issues, null, 2));
  }
}

export type SafeParseResult<T> =
  | { success: true; data: T; error?: undefined }
  | { success: false; data?: undefined; error: ZodError };

// ---- checks ---------------------------------------------------------------------------------------

interface Check extends Owner {
  run(p: Payload): void;
  /** Runs even after an aborting issue, when this says so (zod's `when`); else only while not aborted. */
  when?: (p: Payload) => boolean;
  /** A size cap (arrays): an oversized input fails it before any element is parsed. */
  max?: number;
}

function check(run: (p: Payload, self: Check) => void, params?: Params, when?: Check['when']): Check {
  const { err, abort } = errorMap(params);
  const ch: Check = { err, run: (p) => run(p, ch) };
  if (when) ch.when = when;
  if (abort) (ch as { abort?: boolean }).abort = true;
  return ch;
}

const cont = (ch: Check) => !(ch as { abort?: boolean }).abort;
const hasLength = (p: Payload) => p.value != null && (p.value as { length?: number }).length !== undefined;

function codePoints(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    if ((s.charCodeAt(i) & 0xfc00) === 0xd800 && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n--;
      i++;
    }
  }
  return n;
}

const lengthOf = (v: unknown) => (typeof v === 'string' ? codePoints(v) : (v as unknown[]).length);
const origin = (v: unknown) => (Array.isArray(v) ? 'array' : typeof v === 'string' ? 'string' : 'unknown');

/** A string's or array's length at most (`too_big`) or at least (`too_small`) `limit`, as zod reports it. */
function lengthBound(kind: 'too_big' | 'too_small', limit: number, params?: Params): Check {
  const ch = check(
    (p, self) => {
      const n = lengthOf(p.value);
      if (kind === 'too_big' ? n <= limit : n >= limit) return;
      p.issues.push({
        origin: origin(p.value),
        code: kind,
        [kind === 'too_big' ? 'maximum' : 'minimum']: limit,
        inclusive: true,
        input: p.value,
        inst: self,
        continue: cont(self),
      });
    },
    params,
    hasLength,
  );
  if (kind === 'too_big') ch.max = limit;
  return ch;
}

function bound(kind: 'too_big' | 'too_small', limit: number, inclusive: boolean, params?: Params): Check {
  return check((p, self) => {
    const v = p.value as number;
    const ok = kind === 'too_big' ? (inclusive ? v <= limit : v < limit) : inclusive ? v >= limit : v > limit;
    if (ok) return;
    p.issues.push({
      origin: 'number',
      code: kind,
      [kind === 'too_big' ? 'maximum' : 'minimum']: limit,
      input: v,
      inclusive,
      inst: self,
      continue: cont(self),
    });
  }, params);
}

function pattern(re: RegExp, format: string, params?: Params, owner?: Owner): Check {
  const ch = check((p, self) => {
    re.lastIndex = 0;
    if (re.test(p.value as string)) return;
    p.issues.push({
      origin: 'string',
      code: 'invalid_format',
      format,
      input: p.value,
      pattern: re.toString(),
      inst: owner ?? self,
      continue: cont(self),
    });
  }, params);
  return ch;
}

const overwrite = (tx: (v: string) => string): Check =>
  check((p) => {
    p.value = tx(p.value as string);
  });

// ---- schemas --------------------------------------------------------------------------------------

type Optin = 'optional' | 'defaulted' | undefined;

export abstract class ZodType<Output = unknown, Input = unknown> implements Owner {
  declare readonly _output: Output;
  declare readonly _input: Input;
  err?: ErrorMap | undefined;
  checks: readonly Check[] = [];
  /** May be absent from an object (zod's `optin`); `defaulted`: absence is filled in. */
  get optin(): Optin {
    return undefined;
  }
  /** Absent from the output when absent from the input (zod's `optout`). */
  get optout(): 'optional' | undefined {
    return undefined;
  }
  /** The literal values it accepts, for discriminated unions. */
  get values(): ReadonlySet<unknown> | undefined {
    return undefined;
  }

  protected abstract parseType(p: Payload): Payload;

  /** @internal Parses into `p`, then runs the checks (skipping those after an aborting issue). */
  run(p: Payload): Payload {
    this.parseType(p);
    if (!this.checks.length) return p;
    let isAborted = aborted(p);
    for (const ch of this.checks) {
      if (ch.when) {
        if (p.aborted || p.issues.some((i) => i.continue === false) || !ch.when(p)) continue;
      } else if (isAborted) continue;
      const before = p.issues.length;
      ch.run(p);
      if (p.issues.length === before) continue;
      for (let i = before; i < p.issues.length; i++) p.issues[i]!.owner ??= this;
      if (!isAborted) isAborted = aborted(p, before);
    }
    return p;
  }

  safeParse(input: unknown): SafeParseResult<output<this>> {
    const p = this.run({ value: input, issues: [] });
    if (!p.issues.length) return { success: true, data: p.value as output<this> };
    // An issue a schema raised itself belongs to it; one its check raised, to the schema running the check.
    for (const i of p.issues) if (i.inst instanceof ZodType) i.owner = i.inst;
    return { success: false, error: new ZodError(p.issues.map(finish)) };
  }

  parse(input: unknown): output<this> {
    const r = this.safeParse(input);
    if (!r.success) throw r.error;
    return r.data;
  }

  /** A copy with more checks (schemas are immutable, as in zod). */
  protected with(...checks: Check[]): this {
    const copy = Object.create(Object.getPrototypeOf(this)) as this;
    Object.assign(copy, this);
    copy.checks = [...this.checks, ...checks];
    return copy;
  }

  optional(): ZodOptional<this> {
    return new ZodOptional(this);
  }
  nullable(): ZodNullable<this> {
    return new ZodNullable(this);
  }
  nullish(): ZodOptional<ZodNullable<this>> {
    return new ZodOptional(new ZodNullable(this));
  }
  default(value: NoUndefined<Output>): ZodDefault<this> {
    return new ZodDefault(this, value);
  }
  catch<C extends Output | undefined>(value: C): ZodCatch<this, C> {
    return new ZodCatch(this, value);
  }
  transform<T>(fn: (value: Output, ctx: RefinementCtx) => T): ZodPipe<this, ZodTransform<T, Output>> {
    return new ZodPipe(this, new ZodTransform(fn));
  }
  pipe<T extends ZodType>(next: T): ZodPipe<this, T> {
    return new ZodPipe(this, next);
  }
  refine(fn: (value: Output) => unknown, params?: Params): this {
    const { path } = errorMap(params);
    return this.with(
      check((p, self) => {
        if (!fn(p.value as Output)) {
          p.issues.push({
            code: 'custom',
            input: p.value,
            inst: self,
            path: [...(path ?? [])],
            continue: cont(self),
          });
        }
      }, params),
    );
  }
  superRefine(fn: (value: Output, ctx: RefinementCtx) => void): this {
    return this.with(
      check((p, self) => {
        fn(p.value as Output, addIssueTo(p, self, true));
      }),
    );
  }
}

type NoUndefined<T> = T extends undefined ? never : T;

function addIssueTo(p: Payload, inst: Owner, continues: boolean): RefinementCtx {
  return {
    value: p.value,
    issues: p.issues,
    addIssue(issue) {
      const i: RawIssue = { ...issue, code: issue.code ?? 'custom' };
      if (!('input' in i)) i.input = p.value;
      i.inst ??= inst;
      if (i.fatal) i.continue = false;
      if (continues) i.continue ??= true;
      p.issues.push(i);
    },
  };
}

function typeIssue(p: Payload, expected: string, inst: Owner): Payload {
  p.issues.push({ expected, code: 'invalid_type', input: p.value, inst });
  return p;
}

export class ZodString extends ZodType<string, string> {
  constructor(params?: Params) {
    super();
    this.err = errorMap(params).err;
  }
  protected parseType(p: Payload): Payload {
    return typeof p.value === 'string' ? p : typeIssue(p, 'string', this);
  }
  min(n: number, params?: Params): this {
    return this.with(lengthBound('too_small', n, params));
  }
  max(n: number, params?: Params): this {
    return this.with(lengthBound('too_big', n, params));
  }
  regex(re: RegExp, params?: Params): this {
    return this.with(pattern(re, 'regex', params));
  }
  trim(): this {
    return this.with(overwrite((v) => v.trim()));
  }
  toLowerCase(): this {
    return this.with(overwrite((v) => v.toLowerCase()));
  }
}

/** zod's email pattern (its default, `regexes.email`): what "an email address" means stays the same. */
const EMAIL =
  /^(?:[A-Za-z0-9_'+-]+\.)*[A-Za-z0-9_'+-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$/;

/** `z.email()`: a string schema that is also its own format check (so its `error` words the format issue). */
class ZodEmail extends ZodString {
  constructor(params?: Params) {
    super(params);
    this.checks = [pattern(EMAIL, 'email', undefined, this)];
  }
}

/** `URL.parse` where there is none (Node before 20.18). */
function parseUrl(s: string): URL | null {
  try {
    return new URL(s);
  } catch {
    return null;
  }
}

/** `z.url({ protocol })`: parsed by the URL parser; with a protocol, http(s) must also be spelt `scheme://`. */
class ZodUrl extends ZodString {
  constructor(params?: Params & { protocol?: RegExp }) {
    super(params);
    const protocol = typeof params === 'object' ? params.protocol : undefined;
    this.checks = [
      check((p) => {
        const trimmed = (p.value as string).trim();
        const fail = (note?: string) => {
          p.issues.push({
            code: 'invalid_format',
            format: 'url',
            ...(note ? { note } : {}),
            input: p.value,
            inst: this,
            continue: true,
          });
        };
        if (!protocol) {
          if (!parseUrl(trimmed)) return fail();
          p.value = trimmed.replace(/[\t\n\r]/g, '');
          return;
        }
        if (protocol.source === '^https?$' && !/^https?:\/\//i.test(trimmed))
          return fail('Invalid URL format');
        const url = parseUrl(trimmed);
        if (!url) return fail();
        protocol.lastIndex = 0;
        if (!protocol.test(url.protocol.endsWith(':') ? url.protocol.slice(0, -1) : url.protocol)) {
          p.issues.push({
            code: 'invalid_format',
            format: 'url',
            note: 'Invalid protocol',
            pattern: protocol.source,
            input: p.value,
            inst: this,
            continue: true,
          });
        }
        p.value = trimmed.replace(/[\t\n\r]/g, '');
      }),
    ];
  }
}

export class ZodNumber extends ZodType<number, number> {
  constructor(
    params?: Params,
    private readonly coerce = false,
  ) {
    super();
    this.err = errorMap(params).err;
  }
  protected parseType(p: Payload): Payload {
    if (this.coerce) {
      try {
        p.value = Number(p.value);
      } catch {}
    }
    const v = p.value;
    if (typeof v === 'number' && Number.isFinite(v)) return p;
    return typeIssue(p, 'number', this);
  }
  int(params?: Params): this {
    return this.with(
      check((p, self) => {
        const v = p.value as number;
        if (!Number.isInteger(v)) {
          p.issues.push({
            expected: 'int',
            format: 'safeint',
            code: 'invalid_type',
            continue: false,
            input: v,
            inst: self,
          });
        } else if (!Number.isSafeInteger(v)) {
          const big = v > 0;
          p.issues.push({
            input: v,
            code: big ? 'too_big' : 'too_small',
            [big ? 'maximum' : 'minimum']: big ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER,
            note: 'Integers must be within the safe integer range.',
            inst: self,
            origin: 'int',
            inclusive: true,
            continue: cont(self),
          });
        }
      }, params),
    );
  }
  min(n: number, params?: Params): this {
    return this.with(bound('too_small', n, true, params));
  }
  max(n: number, params?: Params): this {
    return this.with(bound('too_big', n, true, params));
  }
  positive(params?: Params): this {
    return this.with(bound('too_small', 0, false, params));
  }
  /** A no-op, as in zod 4: a number schema refuses Infinity already. */
  finite(): this {
    return this;
  }
}

export class ZodBoolean extends ZodType<boolean, boolean> {
  protected parseType(p: Payload): Payload {
    return typeof p.value === 'boolean' ? p : typeIssue(p, 'boolean', this);
  }
}

export class ZodUnknown extends ZodType<unknown, unknown> {
  protected parseType(p: Payload): Payload {
    return p;
  }
}

export class ZodLiteral<T extends string | number | boolean> extends ZodType<T, T> {
  constructor(readonly value: T) {
    super();
  }
  override get values(): ReadonlySet<unknown> {
    return new Set([this.value]);
  }
  protected parseType(p: Payload): Payload {
    if (p.value !== this.value)
      p.issues.push({ code: 'invalid_value', values: [this.value], input: p.value, inst: this });
    return p;
  }
}

export class ZodEnum<T extends string> extends ZodType<T, T> {
  constructor(
    readonly options: readonly T[],
    params?: Params,
  ) {
    super();
    this.err = errorMap(params).err;
  }
  override get values(): ReadonlySet<unknown> {
    return new Set(this.options);
  }
  protected parseType(p: Payload): Payload {
    if (!(this.options as readonly unknown[]).includes(p.value)) {
      p.issues.push({ code: 'invalid_value', values: [...this.options], input: p.value, inst: this });
    }
    return p;
  }
}

export class ZodArray<E extends ZodType> extends ZodType<output<E>[], input<E>[]> {
  constructor(readonly element: E) {
    super();
  }
  protected parseType(p: Payload): Payload {
    const input = p.value;
    if (!Array.isArray(input)) return typeIssue(p, 'array', this);
    // An oversized array fails its leading size cap before any element is parsed (as zod does).
    for (const ch of this.checks) {
      if (ch.max === undefined) break;
      if (input.length > ch.max) {
        const start = p.issues.length;
        ch.run(p);
        p.issues[start]!.continue = false;
        p.issues[start]!.owner ??= this;
        return p;
      }
    }
    const out: unknown[] = new Array(input.length);
    input.forEach((item, i) => {
      const r = this.element.run({ value: item, issues: [] });
      if (r.issues.length) p.issues.push(...prefix(i, r.issues));
      out[i] = r.value;
    });
    p.value = out;
    return p;
  }
  max(n: number, params?: Params): this {
    return this.with(lengthBound('too_big', n, params));
  }
  min(n: number, params?: Params): this {
    return this.with(lengthBound('too_small', n, params));
  }
}

type Shape = Record<string, ZodType>;
type Flatten<T> = { [K in keyof T]: T[K] } & {};
type OptionalKeys<S extends Shape> = { [K in keyof S]: undefined extends output<S[K]> ? K : never }[keyof S];
type ObjectOutput<S extends Shape> = Flatten<
  { [K in Exclude<keyof S, OptionalKeys<S>>]: output<S[K]> } & { [K in OptionalKeys<S>]?: output<S[K]> }
>;
type InputOptionalKeys<S extends Shape> = {
  [K in keyof S]: undefined extends input<S[K]> ? K : never;
}[keyof S];
type ObjectInput<S extends Shape> = Flatten<
  { [K in Exclude<keyof S, InputOptionalKeys<S>>]: input<S[K]> } & {
    [K in InputOptionalKeys<S>]?: input<S[K]>;
  }
>;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export class ZodObject<S extends Shape> extends ZodType<ObjectOutput<S>, ObjectInput<S>> {
  constructor(
    readonly shape: S,
    private readonly strict = false,
  ) {
    super();
  }
  protected parseType(p: Payload): Payload {
    const input = p.value;
    if (!isObject(input)) return typeIssue(p, 'object', this);
    const out: Record<string, unknown> = {};
    p.value = out;
    for (const key of Object.keys(this.shape)) {
      if (key === '__proto__') continue;
      const el = this.shape[key]!;
      const r = el.run({ value: input[key], issues: [] });
      const present = key in input;
      const optout = el.optout === 'optional';
      const optin = el.optin;
      if (!present && optout && optin === 'optional') continue;
      if (r.issues.length) {
        if (optin !== undefined && optout && !present) continue;
        p.issues.push(...prefix(key, r.issues));
      }
      if (!present && optin === undefined) {
        if (!r.issues.length)
          p.issues.push({ code: 'invalid_type', expected: 'nonoptional', input: undefined, path: [key] });
        continue;
      }
      if (r.value === undefined) {
        if (present || (optin === 'defaulted' && !optout)) out[key] = undefined;
      } else out[key] = r.value;
    }
    if (this.strict) {
      const unknown = Object.keys(input).filter((k) => !Object.hasOwn(this.shape, k));
      if (unknown.length)
        p.issues.push({ code: 'unrecognized_keys', keys: unknown, input, inst: this, continue: true });
    }
    return p;
  }
}

export class ZodOptional<T extends ZodType> extends ZodType<output<T> | undefined, input<T> | undefined> {
  constructor(readonly inner: T) {
    super();
  }
  override get optin(): Optin {
    return this.inner.optin === 'defaulted' ? 'defaulted' : 'optional';
  }
  override get optout(): 'optional' {
    return 'optional';
  }
  override get values(): ReadonlySet<unknown> | undefined {
    const v = this.inner.values;
    return v ? new Set([...v, undefined]) : undefined;
  }
  protected parseType(p: Payload): Payload {
    if (p.value !== undefined) return this.inner.run(p);
    if (this.inner.optin !== 'defaulted') return p;
    const r = this.inner.run({ value: undefined, issues: [] });
    p.value = r.issues.length ? undefined : r.value;
    return p;
  }
}

export class ZodNullable<T extends ZodType> extends ZodType<output<T> | null, input<T> | null> {
  constructor(readonly inner: T) {
    super();
  }
  override get optin(): Optin {
    return this.inner.optin;
  }
  override get optout() {
    return this.inner.optout;
  }
  protected parseType(p: Payload): Payload {
    return p.value === null ? p : this.inner.run(p);
  }
}

export class ZodDefault<T extends ZodType> extends ZodType<NoUndefined<output<T>>, input<T> | undefined> {
  constructor(
    readonly inner: T,
    private readonly fallback: unknown,
  ) {
    super();
  }
  override get optin(): Optin {
    return 'defaulted';
  }
  protected parseType(p: Payload): Payload {
    // zod returns the default as it is, without parsing it.
    if (p.value === undefined) {
      p.value = this.fallback;
      return p;
    }
    this.inner.run(p);
    if (p.value === undefined) p.value = this.fallback;
    return p;
  }
}

export class ZodCatch<T extends ZodType, C> extends ZodType<output<T> | C, unknown> {
  constructor(
    readonly inner: T,
    private readonly fallback: C,
  ) {
    super();
  }
  override get optin(): Optin {
    return this.inner.optin === 'defaulted' ? 'defaulted' : 'optional';
  }
  override get optout() {
    return this.inner.optout;
  }
  protected parseType(p: Payload): Payload {
    const r = this.inner.run({ value: p.value, issues: [] });
    p.value = r.issues.length ? this.fallback : r.value;
    return p;
  }
}

export class ZodTransform<O, I> extends ZodType<O, I> {
  // biome-ignore lint/suspicious/noExplicitAny: stored untyped so a transform of any input is a ZodType<unknown>
  private readonly fn: (value: any, ctx: RefinementCtx) => unknown;
  constructor(fn: (value: I, ctx: RefinementCtx) => O) {
    super();
    this.fn = fn;
  }
  override get optin(): Optin {
    return 'optional';
  }
  protected parseType(p: Payload): Payload {
    p.value = this.fn(p.value, addIssueTo(p, this, false));
    return p;
  }
}

export class ZodPipe<A extends ZodType, B extends ZodType> extends ZodType<output<B>, input<A>> {
  constructor(
    readonly in_: A,
    readonly out: B,
  ) {
    super();
  }
  override get optin(): Optin {
    return this.in_.optin;
  }
  override get optout() {
    return this.out.optout;
  }
  override get values() {
    return this.in_.values;
  }
  protected parseType(p: Payload): Payload {
    this.in_.run(p);
    // Any issue stops the pipe (an unknown key only describes the input, so it does not).
    if (p.issues.some((i) => i.code !== 'unrecognized_keys')) {
      p.aborted = true;
      return p;
    }
    return this.out.run(p);
  }
}

export class ZodUnion<T extends readonly ZodType[]> extends ZodType<output<T[number]>, input<T[number]>> {
  constructor(
    readonly options: T,
    params?: Params,
  ) {
    super();
    this.err = errorMap(params).err;
  }
  override get optin(): Optin {
    return this.options.some((o) => o.optin === 'defaulted')
      ? 'defaulted'
      : this.options.some((o) => o.optin !== undefined)
        ? 'optional'
        : undefined;
  }
  override get optout() {
    return this.options.some((o) => o.optout === 'optional') ? ('optional' as const) : undefined;
  }
  protected parseType(p: Payload): Payload {
    if (this.options.length === 1) return this.options[0]!.run(p);
    const results: Payload[] = [];
    for (const option of this.options) {
      const r = option.run({ value: p.value, issues: [] });
      if (!r.issues.length) {
        p.value = r.value;
        return p;
      }
      results.push(r);
    }
    const alive = results.filter((r) => !aborted(r));
    if (alive.length === 1) {
      p.value = alive[0]!.value;
      p.issues.push(...alive[0]!.issues);
      return p;
    }
    p.issues.push({
      code: 'invalid_union',
      input: p.value,
      inst: this,
      errors: results.map((r) => r.issues.map(finish)),
    });
    return p;
  }
}

export class ZodDiscriminatedUnion<T extends readonly ZodObject<Shape>[]> extends ZodUnion<T> {
  private map?: Map<unknown, ZodType>;
  constructor(
    readonly discriminator: string,
    options: T,
    params?: Params,
  ) {
    super(options, params);
  }
  protected override parseType(p: Payload): Payload {
    const input = p.value;
    if (!isObject(input)) return typeIssue(p, 'object', this);
    if (!this.map) {
      this.map = new Map();
      for (const o of this.options)
        for (const v of o.shape[this.discriminator]?.values ?? []) this.map.set(v, o);
    }
    const opt = this.map.get(input[this.discriminator]);
    if (opt) return opt.run(p);
    p.issues.push({
      code: 'invalid_union',
      errors: [],
      note: 'No matching discriminator',
      discriminator: this.discriminator,
      options: [...this.map.keys()],
      input,
      path: [this.discriminator],
      inst: this,
    });
    return p;
  }
}

// ---- the `z` namespace ----------------------------------------------------------------------------

export type output<T> = T extends { readonly _output: infer O } ? O : never;
export type input<T> = T extends { readonly _input: infer I } ? I : never;
export type { output as infer };

export const string = (params?: Params) => new ZodString(params);
export const number = (params?: Params) => new ZodNumber(params);
export const boolean = () => new ZodBoolean();
export const unknown = () => new ZodUnknown();
export const email = (params?: Params) => new ZodEmail(params);
export const url = (params?: Params & { protocol?: RegExp }) => new ZodUrl(params);
export const literal = <const T extends string | number | boolean>(value: T) => new ZodLiteral(value);
function enum_<const T extends readonly [string, ...string[]] | readonly string[]>(
  values: T,
  params?: Params,
) {
  return new ZodEnum<T[number]>(values, params);
}

export { enum_ as enum };
export const array = <E extends ZodType>(element: E) => new ZodArray(element);
export const object = <S extends Shape>(shape: S) => new ZodObject(shape);
export const strictObject = <S extends Shape>(shape: S) => new ZodObject(shape, true);
export const union = <const T extends readonly ZodType[]>(options: T, params?: Params) =>
  new ZodUnion(options, params);
export const discriminatedUnion = <const T extends readonly ZodObject<Shape>[]>(
  key: string,
  options: T,
  params?: Params,
) => new ZodDiscriminatedUnion(key, options, params);
export const preprocess = <T extends ZodType>(
  fn: (value: unknown, ctx: RefinementCtx) => unknown,
  schema: T,
) =>
  new ZodPipe(new ZodTransform<unknown, unknown>(fn), schema) as ZodPipe<ZodTransform<unknown, unknown>, T>;
export const coerce = { number: (params?: Params) => new ZodNumber(params, true) };
