import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ConnectFormSchema,
  credentialsFromForm,
  FIELD_LIMITS,
  FORM_FIELDS,
  fieldErrors,
  keptValues,
} from '../../src/connections/connect-form';

const KEY_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._~+/=:-'.split('');
const keyLike = (max: number) =>
  fc.string({ unit: fc.constantFrom(...KEY_CHARS), minLength: 1, maxLength: max });
const whitespace = fc.constantFrom(' ', '\t', '\n', '\r\n', '\u00a0');
const anyText = fc.string({ unit: 'binary', maxLength: 300 });

describe('credential form validation (properties)', () => {
  it('accepts every well-shaped App Key and App Secret unchanged', () => {
    fc.assert(
      fc.property(keyLike(FIELD_LIMITS.appKey), keyLike(FIELD_LIMITS.appSecret), (appKey, appSecret) => {
        const r = ConnectFormSchema.safeParse({ appKey, appSecret });
        expect(r.success).toBe(true);
        if (r.success) {
          expect(r.data).toMatchObject({ method: 'client_credentials', appKey, appSecret });
          expect(credentialsFromForm(r.data)).toEqual({ method: 'client_credentials', appKey, appSecret });
        }
      }),
    );
  });

  it('refuses whitespace around a copied value, naming that field, without trimming it silently', () => {
    fc.assert(
      fc.property(
        keyLike(60),
        whitespace,
        fc.boolean(),
        fc.constantFrom('appKey', 'appSecret'),
        (value, ws, before, field) => {
          const padded = before ? `${ws}${value}` : `${value}${ws}`;
          const form = { appKey: 'good-key', appSecret: 'good-secret', [field]: padded };
          const r = ConnectFormSchema.safeParse(form);
          expect(r.success).toBe(false);
          if (!r.success) {
            const errors = fieldErrors(r.error.issues);
            expect(Object.keys(errors.fields)).toEqual([field]);
          }
        },
      ),
    );
  });

  it('refuses anything over the cap of each field', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('appKey', 'appSecret', 'accessToken', 'username', 'password'),
        fc.integer({ min: 1, max: 50 }),
        (field, extra) => {
          const method =
            field === 'accessToken'
              ? 'access_token'
              : field.startsWith('app')
                ? 'client_credentials'
                : 'password';
          const max = FIELD_LIMITS[field as keyof typeof FIELD_LIMITS];
          const base = {
            method,
            appKey: 'k',
            appSecret: 's',
            username: 'u',
            password: 'p',
            accessToken: 't',
          };
          const r = ConnectFormSchema.safeParse({ ...base, [field]: 'a'.repeat(max + extra) });
          expect(r.success).toBe(false);
          if (!r.success) expect(fieldErrors(r.error.issues).fields).toHaveProperty(field);
        },
      ),
    );
  });

  it('never throws, and every failure lands on a known field or the form, never echoing the input', () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            method: fc.oneof(
              fc.constantFrom('client_credentials', 'oauth', 'password', 'access_token', ''),
              anyText,
            ),
            appKey: fc.oneof(anyText, fc.array(anyText, { maxLength: 2 })),
            appSecret: anyText,
            username: anyText,
            password: anyText,
            accessToken: anyText,
            invite: anyText,
            formId: anyText,
          },
          { requiredKeys: [] },
        ),
        (raw) => {
          const r = ConnectFormSchema.safeParse(raw);
          if (r.success) return;
          const errors = fieldErrors(r.error.issues);
          for (const key of Object.keys(errors.fields)) expect(FORM_FIELDS).toContain(key);
          const messages = [...Object.values(errors.fields), ...errors.form];
          expect(messages.length).toBeGreaterThan(0);
          for (const secret of [raw.appSecret, raw.password, raw.accessToken]) {
            if (typeof secret === 'string' && secret.length >= 6) {
              for (const m of messages) expect(m).not.toContain(secret);
            }
          }
        },
      ),
    );
  });

  it('keeps only non-secret values for a re-rendered form', () => {
    fc.assert(
      fc.property(anyText, anyText, anyText, anyText, (appKey, appSecret, password, accessToken) => {
        const kept = keptValues({ appKey, appSecret, password, accessToken, username: 'someone' });
        expect(Object.keys(kept).sort()).toEqual(
          ['method', ...(kept.appKey ? ['appKey'] : []), 'username'].sort(),
        );
        expect(JSON.stringify(kept)).not.toContain('"appSecret"');
        if (kept.appKey) expect(kept.appKey.length).toBeLessThanOrEqual(FIELD_LIMITS.appKey);
      }),
    );
  });

  it('passwords are taken exactly as typed (inner and outer spaces kept); usernames are trimmed', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', 'B', '7', ' ', '!', 'é'), minLength: 1, maxLength: 40 }),
        (password) => {
          const r = ConnectFormSchema.safeParse({
            method: 'password',
            username: '  admin@example.com ',
            password,
          });
          expect(r.success).toBe(true);
          if (r.success && r.data.method === 'password') {
            expect(r.data.password).toBe(password);
            expect(r.data.username).toBe('admin@example.com');
          }
        },
      ),
    );
  });

  it('defaults the method to client credentials and refuses unknown methods', () => {
    expect(ConnectFormSchema.safeParse({ appKey: 'k', appSecret: 's' }).success).toBe(true);
    const r = ConnectFormSchema.safeParse({ method: 'telepathy', appKey: 'k', appSecret: 's' });
    expect(r.success).toBe(false);
    if (!r.success) expect(fieldErrors(r.error.issues).fields.method).toBe('Choose how to connect.');
  });

  it('a field sent twice (an array) is refused with a message on that field', () => {
    const r = ConnectFormSchema.safeParse({ appKey: ['a', 'b'], appSecret: 's' });
    expect(r.success).toBe(false);
    if (!r.success) expect(fieldErrors(r.error.issues).fields.appKey).toContain('once');
  });
});
