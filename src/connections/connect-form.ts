/**
 * What the credential form may contain, checked at the boundary. Every field is
 * capped; copied values (keys, secrets, tokens) with spaces around them or inside
 * are refused with a message saying so rather than silently trimmed, because a
 * stray character is the most common copy-paste mistake and the admin should see
 * it. Messages never repeat what was typed: a secret must not come back.
 */

import type { ConnectMethod, Credentials } from '../connectors/types';
import { z } from '../lib/zlite';

export const CONNECT_METHODS = ['client_credentials', 'oauth', 'password', 'access_token'] as const;

export const FIELD_LIMITS = {
  appKey: 128,
  appSecret: 256,
  username: 254,
  password: 256,
  accessToken: 4096,
  invite: 1024,
  formId: 64,
  email: 254,
} as const;

/** Letters, digits and the punctuation OAuth clients and tokens use (base64, base64url, JWT). */
const COPIED_VALUE = /^[A-Za-z0-9._~+/=:-]+$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
const CONTROL = /[\u0000-\u001f\u007f]/;

interface CopiedFieldText {
  label: string;
  max: number;
  where: string;
  empty: string;
}

/** A value the admin copies from BlueJeans: non-empty, capped, no surrounding or inner whitespace. */
function copiedField(t: CopiedFieldText) {
  return z
    .string({ error: (i) => (i.input === undefined ? t.empty : `Send the ${t.label} once, as text.`) })
    .superRefine((v, ctx) => {
      const fail = (message: string) => ctx.addIssue({ code: 'custom', message });
      if (v === '') return fail(t.empty);
      if (v.length > t.max) {
        return fail(`That is longer than any ${t.label} (at most ${t.max} characters). ${t.where}`);
      }
      if (v.trim() === '') return fail(t.empty);
      if (v !== v.trim()) {
        return fail(`The ${t.label} starts or ends with a space or line break. ${t.where}`);
      }
      if (!COPIED_VALUE.test(v)) {
        return fail(`The ${t.label} has characters no ${t.label} contains (such as spaces). ${t.where}`);
      }
    });
}

const appKey = copiedField({
  label: 'App Key',
  max: FIELD_LIMITS.appKey,
  where: 'Copy it again from Admin > Group Settings > OAuth Access in BlueJeans.',
  empty: 'Enter the App Key from Admin > Group Settings > OAuth Access.',
});
const appSecret = copiedField({
  label: 'App Secret',
  max: FIELD_LIMITS.appSecret,
  where: 'Copy it again from OAuth Access in BlueJeans.',
  empty:
    'Enter the App Secret. BlueJeans shows it once, when the app is added; if it was lost, regenerate it.',
});
const accessToken = copiedField({
  label: 'access token',
  max: FIELD_LIMITS.accessToken,
  where: 'Copy the whole token again.',
  empty: 'Paste a BlueJeans access token.',
});

/** Typed, not copied: surrounding spaces are trimmed; inner spaces are not part of a BlueJeans login. */
const username = z
  .string({ error: 'Enter your BlueJeans username or email.' })
  .transform((v) => v.trim())
  .superRefine((v, ctx) => {
    const fail = (message: string) => ctx.addIssue({ code: 'custom', message });
    if (v === '') return fail('Enter your BlueJeans username or email.');
    if (v.length > FIELD_LIMITS.username) {
      return fail(`A BlueJeans username has at most ${FIELD_LIMITS.username} characters.`);
    }
    if (/\s/.test(v) || CONTROL.test(v))
      return fail('A BlueJeans username has no spaces. Check it and try again.');
  });

/** Passwords are taken exactly as typed (spaces can be part of one); only emptiness, size and control characters are refused. */
const password = z.string({ error: 'Enter your BlueJeans password.' }).superRefine((v, ctx) => {
  const fail = (message: string) => ctx.addIssue({ code: 'custom', message });
  if (v === '') return fail('Enter your BlueJeans password.');
  if (v.length > FIELD_LIMITS.password) {
    return fail(`That is longer than BlueJeans allows for a password (${FIELD_LIMITS.password} characters).`);
  }
  if (CONTROL.test(v)) return fail('The password contains a line break or control character. Type it again.');
});

/** Invite tokens and form ids are opaque and checked later; here only their size and alphabet. */
const invite = z
  .string()
  .max(FIELD_LIMITS.invite, 'This invite link is damaged. Open it again from the message you received.')
  .regex(/^[A-Za-z0-9._-]*$/, 'This invite link is damaged. Open it again from the message you received.')
  .optional()
  .transform((v) => (v ? v : undefined));
const formId = z
  .string()
  .max(FIELD_LIMITS.formId)
  .regex(/^[A-Za-z0-9_-]*$/)
  .optional()
  .transform((v) => (v ? v : undefined));

const common = { invite, formId };

/** The credential form (`POST /connections/bluejeans`); `method` defaults to client credentials. */
export const ConnectFormSchema = z.preprocess(
  (raw) => {
    if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
      const r = raw as Record<string, unknown>;
      return r.method === undefined || r.method === '' ? { ...r, method: 'client_credentials' } : r;
    }
    return raw;
  },
  z.discriminatedUnion(
    'method',
    [
      z.object({ method: z.literal('client_credentials'), appKey, appSecret, ...common }),
      z.object({ method: z.literal('oauth'), appKey, appSecret, ...common }),
      z.object({ method: z.literal('password'), username, password, ...common }),
      z.object({ method: z.literal('access_token'), accessToken, ...common }),
    ],
    { error: 'Choose how to connect.' },
  ),
);
export type ConnectForm = z.output<typeof ConnectFormSchema>;

/** Field names the form renders, in order (messages for anything else show at the top). */
export const FORM_FIELDS = ['method', 'appKey', 'appSecret', 'username', 'password', 'accessToken'] as const;
export type FormField = (typeof FORM_FIELDS)[number];

/** One message per field (the first found), plus those that belong to no field. */
export interface FieldErrors {
  fields: Partial<Record<FormField, string>>;
  form: string[];
}

export function fieldErrors(issues: readonly z.Issue[]): FieldErrors {
  const out: FieldErrors = { fields: {}, form: [] };
  for (const issue of issues) {
    const key = issue.path[0];
    if (typeof key === 'string' && (FORM_FIELDS as readonly string[]).includes(key)) {
      const field = key as FormField;
      out.fields[field] ??= issue.message;
    } else if (key === 'invite') {
      if (!out.form.includes(issue.message)) out.form.push(issue.message);
    } else if (!out.form.includes('The form was damaged in transit. Reload the page and try again.')) {
      out.form.push('The form was damaged in transit. Reload the page and try again.');
    }
  }
  return out;
}

/** The non-secret values to put back into a re-rendered form (never a secret, never anything unchecked). */
export interface KeptValues {
  method: ConnectMethod;
  appKey?: string;
  username?: string;
  invite?: string;
}

/** Picks what may be shown again from raw form input: short, printable, and never a secret field. */
export function keptValues(raw: unknown): KeptValues {
  const r = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const m = typeof r.method === 'string' && (CONNECT_METHODS as readonly string[]).includes(r.method);
  const kept: KeptValues = { method: m ? (r.method as ConnectMethod) : 'client_credentials' };
  const keep = (v: unknown, max: number) =>
    typeof v === 'string' && v.length <= max && !CONTROL.test(v) ? v : undefined;
  const appKeyValue = keep(r.appKey, FIELD_LIMITS.appKey);
  const usernameValue = keep(r.username, FIELD_LIMITS.username);
  const inviteValue = keep(r.invite, FIELD_LIMITS.invite);
  if (appKeyValue) kept.appKey = appKeyValue;
  if (usernameValue) kept.username = usernameValue.trim();
  if (inviteValue && /^[A-Za-z0-9._-]+$/.test(inviteValue)) kept.invite = inviteValue;
  return kept;
}

/** The connector's Credentials for a valid form (OAuth has none yet: it signs in first). */
export function credentialsFromForm(form: ConnectForm): Credentials | undefined {
  switch (form.method) {
    case 'client_credentials':
      return { method: 'client_credentials', appKey: form.appKey, appSecret: form.appSecret };
    case 'password':
      return { method: 'password', username: form.username, password: form.password };
    case 'access_token':
      return { method: 'access_token', accessToken: form.accessToken };
    case 'oauth':
      return undefined;
  }
}
