/**
 * src/lib/zlite against zod 4 itself: the schema shapes Seatwise builds (forms, configuration,
 * BlueJeans responses, cursors, embed claims, queries), fed the same generated inputs, must agree on
 * success, the parsed value, and every issue's code, path and English message. What users read
 * when they send something wrong therefore stays zod's wording.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as zod from 'zod';
import { z as lite } from '../../src/lib/zlite';

// biome-ignore lint/suspicious/noExplicitAny: the same builder runs on both libraries
type Z = any;

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** Seatwise's schema shapes, built with either library. */
function shapes(z: Z): Record<string, { schema: Z; keys: string[] }> {
  const copied = z
    .string({
      error: (i: { input: unknown }) => (i.input === undefined ? 'Enter it.' : 'Send it once, as text.'),
    })
    .superRefine((v: string, ctx: Z) => {
      if (v === '') return ctx.addIssue({ code: 'custom', message: 'Enter it.' });
      if (v.length > 8) return ctx.addIssue({ code: 'custom', message: 'Too long.' });
      if (v !== v.trim()) ctx.addIssue({ code: 'custom', message: 'Spaces around.' });
    });
  const username = z
    .string({ error: 'Enter your username.' })
    .transform((v: string) => v.trim())
    .superRefine((v: string, ctx: Z) => {
      if (v === '') ctx.addIssue({ code: 'custom', message: 'Enter your username.' });
      if (/\s/.test(v)) ctx.addIssue({ code: 'custom', message: 'No spaces.' });
    });
  const invite = z
    .string()
    .max(6, 'Damaged invite.')
    .regex(/^[A-Za-z0-9._-]*$/, 'Damaged invite.')
    .optional()
    .transform((v: string | undefined) => (v ? v : undefined));
  const formId = z
    .string()
    .max(4)
    .regex(/^[a-z]*$/)
    .optional()
    .transform((v: string | undefined) => v || undefined);
  const connect = z.preprocess(
    (raw: unknown) => {
      if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
        const r = raw as Record<string, unknown>;
        return r.method === undefined || r.method === '' ? { ...r, method: 'client_credentials' } : r;
      }
      return raw;
    },
    z.discriminatedUnion(
      'method',
      [
        z.object({
          method: z.literal('client_credentials'),
          appKey: copied,
          appSecret: copied,
          invite,
          formId,
        }),
        z.object({
          method: z.literal('password'),
          username,
          password: z.string({ error: 'Enter a password.' }),
          invite,
        }),
        z.object({ method: z.literal('access_token'), accessToken: copied }),
      ],
      { error: 'Choose how to connect.' },
    ),
  );
  const plainUnion = z.discriminatedUnion('method', [
    z.object({ method: z.literal('a'), appKey: z.string().min(1).max(4) }),
    z.object({ method: z.literal('b') }),
  ]);

  const optionalText = () =>
    z.preprocess(
      (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
      z.string().optional(),
    );
  const env = z
    .object({
      PORT: z.coerce
        .number({ error: 'expected a port number' })
        .int()
        .min(1, 'expected a port between 1 and 65535')
        .max(65535, 'expected a port between 1 and 65535')
        .default(8787),
      RATE: z.coerce
        .number({ error: 'expected requests per second' })
        .positive('expected positive')
        .max(100)
        .default(2),
      TTL: z.coerce.number().int('expected a whole number').min(2).max(600).default(30),
      DATABASE_URL: z
        .string()
        .default('file:./x.db')
        .refine((u: string) => /^(file:|https?:)/.test(u), 'expected file: or http(s):'),
      API_BASE: z
        .url({ protocol: /^https?$/, error: 'expected an http(s) URL' })
        .default('https://api.bluejeans.com')
        .transform((u: string) => u.replace(/\/+$/, '')),
      PLAN: z.enum(['free', 'paid'], { error: 'expected "free" or "paid"' }).default('free'),
      AUTO: z
        .enum(['true', 'false'], { error: 'expected "true" or "false"' })
        .default('false')
        .transform((v: string) => v === 'true'),
      SECRET: optionalText().refine(
        (v: string | undefined) => v === undefined || v.length >= 4,
        'expected at least 4 characters',
      ),
      HOST: optionalText().refine((v: string | undefined) => v === undefined || /^[a-z.]+$/.test(v), {
        message: 'expected a host name',
      }),
      KEYS: optionalText().superRefine((v: string | undefined, ctx: Z) => {
        if (v?.includes(' ')) ctx.addIssue({ code: 'custom', message: 'no spaces in keys' });
      }),
      ORIGINS: z
        .string()
        .default('')
        .transform((s: string, ctx: Z) => {
          const origins = s.split(/[\s,]+/).filter(Boolean);
          for (const o of origins) {
            if (!/^https?:\/\/[^/\s]+$/.test(o))
              ctx.addIssue({ code: 'custom', message: `"${o}" is not an origin` });
          }
          return origins;
        }),
    })
    .superRefine((c: Record<string, unknown>, ctx: Z) => {
      if (c.PLAN === 'paid' && !c.HOST)
        ctx.addIssue({ code: 'custom', path: ['HOST'], message: 'required when paid' });
    });

  const id = z.union([z.number().int(), z.string().regex(/^\S+$/)]).transform(String);
  const optId = id.nullish().catch(undefined);
  const optString = z.string().nullish().catch(undefined);
  const optNumber = z.number().finite().nullish().catch(undefined);
  const vendor = z
    .object({
      id: optId,
      title: optString,
      startTime: z.number().finite(),
      seconds: optNumber,
      flag: z.boolean().nullish().catch(undefined),
      code: z.union([z.string(), z.number()]).nullish().catch(undefined),
      scope: z.object({ user: optId }).nullish().catch(undefined),
      list: z
        .array(z.unknown())
        .nullish()
        .transform((v: unknown[] | null | undefined) => v ?? []),
      parts: z
        .array(z.unknown())
        .nullish()
        .catch(undefined)
        .transform((v: unknown[] | undefined) => v ?? []),
      username: z.string().min(1),
    })
    .refine((m: { id?: string; title?: string }) => Boolean(m.id || m.title), { message: 'id missing' });

  const epoch = z.number().int().min(0).max(8.64e15);
  const cursor = z
    .strictObject({ from: epoch, to: epoch, page: z.number().int().min(0) })
    .refine((c: { from: number; to: number }) => c.from <= c.to, 'window outside range');
  const envelope = z.strictObject({ s: z.literal('users'), v: z.literal(1), c: z.unknown() });

  const claim = (name: string) =>
    z
      .string({ error: `the "${name}" claim must be a string` })
      .min(1, `the "${name}" claim must not be empty`)
      .max(6, `the "${name}" claim is longer than 6 characters`);
  const claims = z.object({
    org: claim('org'),
    role: z.enum(['admin', 'viewer'], { error: 'the "role" claim must be "admin" or "viewer"' }),
    exp: z.number({ error: 'the "exp" claim must be a number of seconds' }),
    org_name: z
      .string({ error: 'the "org_name" claim must be a string' })
      .trim()
      .min(1, 'the "org_name" claim must not be empty')
      .max(5, 'the "org_name" claim is longer than 5 characters')
      .optional(),
  });

  const emails = z.object({
    email: z
      .string()
      .trim()
      .toLowerCase()
      .pipe(z.email({ error: 'expected an email address like alice@acme.example' }).max(12)),
    invitee: z
      .string({ error: 'Enter an email.' })
      .transform((v: string) => v.trim())
      .pipe(z.email({ error: 'Enter an email.' }).max(10, 'At most 10 characters.')),
    role: z.enum(['admin', 'viewer']),
    slug: z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,6}[a-z0-9])?$/, 'a slug is 1-8 characters'),
    origins: z
      .array(z.string().regex(/^https?:\/\/[^/\s]+$/, 'expected an origin'))
      .max(2)
      .optional(),
  });

  const blank = (v: unknown) => (v === '' ? undefined : v);
  const query = z.object({
    q: z.preprocess(blank, z.string().trim().max(5).optional()),
    status: z.preprocess(blank, z.enum(['all', 'active', 'inactive']).default('all')),
    feature: z.preprocess(blank, z.enum(['video', 'chat']).optional()),
    dir: z.preprocess(blank, z.enum(['asc', 'desc']).optional()),
    page: z.preprocess(blank, z.coerce.number().int().min(1).max(1_000_000).default(1)),
    method: z.enum(['a', 'b']).optional().catch(undefined),
    before: z.coerce.number().int().positive().max(MAX_SAFE).optional(),
    days: z.enum(['30', '60']).transform(Number),
  });

  const forms = z.object({
    userId: z.union([z.string().max(3), z.array(z.string().max(3)).max(2)]).optional(),
    url: z.string().max(6).default(''),
    events: z
      .union([z.string(), z.array(z.string())])
      .optional()
      .transform((v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v])),
    format: z.string().optional(),
    data: z.enum(['keep', 'delete'], { error: 'Choose keep or delete.' }),
    allow: z.enum(['yes']).optional(),
    n: z.number().int().optional(),
    flag: z.boolean().optional(),
  });

  return {
    connect: {
      schema: connect,
      keys: ['method', 'appKey', 'appSecret', 'username', 'password', 'accessToken', 'invite', 'formId'],
    },
    plainUnion: { schema: plainUnion, keys: ['method', 'appKey'] },
    env: {
      schema: env,
      keys: [
        'PORT',
        'RATE',
        'TTL',
        'DATABASE_URL',
        'API_BASE',
        'PLAN',
        'AUTO',
        'SECRET',
        'HOST',
        'KEYS',
        'ORIGINS',
      ],
    },
    vendor: {
      schema: vendor,
      keys: ['id', 'title', 'startTime', 'seconds', 'flag', 'code', 'scope', 'list', 'parts', 'username'],
    },
    cursor: { schema: cursor, keys: ['from', 'to', 'page', 'extra'] },
    envelope: { schema: envelope, keys: ['s', 'v', 'c'] },
    claims: { schema: claims, keys: ['org', 'role', 'exp', 'org_name'] },
    emails: { schema: emails, keys: ['email', 'invitee', 'role', 'slug', 'origins'] },
    query: { schema: query, keys: ['q', 'status', 'feature', 'dir', 'page', 'method', 'before', 'days'] },
    forms: { schema: forms, keys: ['userId', 'url', 'events', 'format', 'data', 'allow', 'n', 'flag'] },
  };
}

const ours = shapes(lite);
const theirs = shapes(zod.z);

/** Strings that reach every branch: blanks, spaces, numbers as text, URLs, emails, enum members. */
const WORDS = [
  '',
  ' ',
  ' a ',
  'a b',
  'abc',
  'abcdefghij',
  'ABC',
  '0',
  '1',
  '1.5',
  '-3',
  '65536',
  '8080',
  '1e3',
  'NaN',
  'Infinity',
  'http://x.y',
  'https://api.bluejeans.com/',
  'http:example.com',
  'ftp://x.y',
  ' https://a.b ',
  'https://a.b,http://c.d',
  'a@b.co',
  ' A@B.CO ',
  'a@b',
  'alice@acme.example',
  '.a@b.co',
  'client_credentials',
  'password',
  'access_token',
  'oauth',
  'a',
  'b',
  'free',
  'paid',
  'true',
  'false',
  'all',
  'active',
  'asc',
  'video',
  'admin',
  'viewer',
  'keep',
  'delete',
  'yes',
  '30',
  '60',
  '45',
  'users',
  'acme',
  'ac-me',
  '-x',
  'k1:abc',
  'x y',
  'a.b',
  'ab_',
  '😀😀😀',
  '😀😀😀😀😀😀😀',
];

const value: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...WORDS) },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 2, arbitrary: fc.integer({ min: -5, max: 70_000 }) },
  fc.constantFrom(0, 1.5, -0.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, 9e15, 1e16),
  fc.constantFrom(null, undefined, true, false),
  fc.array(fc.constantFrom('a', 'abcd', 'https://a.b', 1), { maxLength: 3 }),
  fc.constantFrom({}, { user: 5 }, { user: 'u 1' }, [], new Date(0)),
);

function inputFor(keys: string[]): fc.Arbitrary<unknown> {
  return fc.oneof(
    {
      weight: 8,
      arbitrary: fc.dictionary(fc.constantFrom(...keys, 'other'), value, { maxKeys: keys.length + 1 }),
    },
    { weight: 1, arbitrary: value },
  );
}

// biome-ignore lint/suspicious/noExplicitAny: either library's result
function outcome(r: any) {
  return r.success
    ? { success: true, data: r.data }
    : {
        success: false,
        issues: r.error.issues.map((i: { code: string; path: unknown[]; message: string }) => ({
          code: i.code,
          path: i.path,
          message: i.message,
        })),
      };
}

describe('zlite agrees with zod', () => {
  for (const name of Object.keys(ours)) {
    it(`on ${name}`, () => {
      const a = ours[name]!;
      const b = theirs[name]!;
      fc.assert(
        fc.property(inputFor(a.keys), (input) => {
          expect(outcome(a.schema.safeParse(input))).toEqual(outcome(b.schema.safeParse(input)));
        }),
        { numRuns: 600 },
      );
    });
  }

  it('throws a ZodError from parse, with the issues', () => {
    expect(() => lite.object({ a: lite.string() }).parse({})).toThrow(/expected string, received undefined/);
    const r = lite.number().int().min(2).safeParse(1.5);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toBe('Invalid input: expected int, received number');
  });
});
