/**
 * The connect flow: the credential form, verification, the consent step and
 * Confirm/Cancel. Every step answers with a fragment for htmx (swapped into
 * `#connect-flow`) and with a full page otherwise; successful POSTs without
 * htmx end in a 303 to the dashboard.
 */
import { type Context, Hono } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { recordAudit } from '../connections/audit';
import {
  ALREADY_SAVED,
  ConnectFlowError,
  confirmPending,
  modeFor,
  preparePending,
  saveCredentials,
  verifyCredentials,
} from '../connections/connect';
import {
  CONNECT_METHODS,
  ConnectFormSchema,
  credentialsFromForm,
  type FieldErrors,
  type FormField,
  fieldErrors,
  type KeptValues,
  keptValues,
} from '../connections/connect-form';
import { parsePublicConfig } from '../connections/credentials';
import { claimForm, newFormId } from '../connections/form-claims';
import { checkInvite, InviteError, type InviteRow } from '../connections/invites';
import { OAUTH_COOKIE, startOAuth } from '../connections/oauth-flow';
import { PendingError } from '../connections/pending';
import { StaleConnectionError } from '../connections/state-machine';
import type { ConnectionRow } from '../connections/store';
import type { ConnectMethod, ConnectorErrorCode } from '../connectors/types';
import { ConnectorError } from '../connectors/types';
import type { AppEnv } from '../deps';
import { clientAddress } from '../lib/client-address';
import { isHtmx } from '../lib/http-errors';
import { VERIFY_RATE_LIMIT, verifyRateLimitKey } from '../lib/rate-limit';
import { requireRole } from '../lib/roles';
import { z } from '../lib/zlite';
import { allowRemoval } from '../reclaim/opt-in';
import { FlowStop } from '../views/connect-page';
import { Consent } from '../views/consent';
import { CredentialForm } from '../views/credential-form';
import {
  BASE,
  flowContext,
  formBodyLimit,
  loadConnection,
  PENDING_COOKIE,
  PENDING_COOKIE_PATH,
  publicOrigin,
  redirectUri,
  URLS,
} from './connection-support';
import { done, flowResponse, titleFor } from './flow-response';
import { validate } from './validate';

type Ctx = Context<AppEnv>;

/** Which fields each method renders: a connector message for another field goes to the top instead. */
const METHOD_FIELDS: Record<ConnectMethod, readonly FormField[]> = {
  client_credentials: ['appKey', 'appSecret'],
  oauth: ['appKey', 'appSecret'],
  password: ['username', 'password'],
  access_token: ['accessToken'],
};

interface FormRender {
  connection: ConnectionRow;
  values: KeptValues;
  invite?: InviteRow | undefined;
  errors?: FieldErrors;
  status?: ContentfulStatusCode;
}

/** Renders the credential form (fresh form id every time: a re-rendered form is a new form). */
export function renderForm(c: Ctx, r: FormRender) {
  const mode = modeFor(r.connection);
  return flowResponse(
    c,
    titleFor(mode),
    <CredentialForm
      mode={mode}
      method={r.values.method}
      values={{ appKey: r.values.appKey, username: r.values.username }}
      invite={
        r.invite && r.values.invite
          ? { token: r.values.invite, email: r.invite.email, createdBy: r.invite.createdBy }
          : undefined
      }
      errors={r.errors}
      formId={newFormId()}
      redirectUri={redirectUri(c)}
      enterpriseName={r.connection.enterpriseName}
      urls={{ submit: URLS.submit, connect: URLS.connect }}
    />,
    r.status ?? 200,
  );
}

/** A refusal shown on the form, next to its field when the form has that field. */
export function formError(
  c: Ctx,
  r: Omit<FormRender, 'errors' | 'status'>,
  err: ConnectorError | ConnectFlowError,
): Response | Promise<Response> {
  const field =
    err.field && METHOD_FIELDS[r.values.method].includes(err.field as FormField) ? err.field : undefined;
  const errors: FieldErrors = field
    ? { fields: { [field]: err.message }, form: [] }
    : { fields: {}, form: [err.message] };
  return renderForm(c, { ...r, errors, status: failureStatus(err) });
}

/** 429 on the form: too many verifications from this address; nothing was sent to BlueJeans. */
function rateLimited(c: Ctx, r: Omit<FormRender, 'errors' | 'status'>, retryAfterSeconds?: number) {
  const wait = retryAfterSeconds ?? VERIFY_RATE_LIMIT.periodSeconds;
  c.header('Retry-After', String(wait));
  c.var.deps.logger.warn('connect: verification rate-limited', { orgId: c.var.scope.orgId });
  const message = `Too many attempts to verify credentials (at most ${VERIFY_RATE_LIMIT.limit} a minute). Nothing was sent to BlueJeans. Wait ${wait} seconds, then try again.`;
  return renderForm(c, { ...r, errors: { fields: {}, form: [message] }, status: 429 });
}

/** 422 for credentials BlueJeans refused, 400 for a sign-in that cannot be finished, 503 when BlueJeans is away. */
function failureStatus(err: ConnectorError | ConnectFlowError): ContentfulStatusCode {
  if (err instanceof ConnectFlowError) return err.status;
  if (err.kind === 'transient' || err.kind === 'budget') return 503;
  if (OAUTH_REQUEST_CODES.has(err.code)) return 400;
  return 422;
}

const OAUTH_REQUEST_CODES = new Set<ConnectorErrorCode>([
  'state_invalid',
  'state_expired',
  'state_replayed',
  'code_invalid',
]);

/** A dead end of the flow (expired confirmation, dead invite link) with a way back. */
function stop(c: Ctx, message: string, status: ContentfulStatusCode, retry = URLS.connect) {
  return flowResponse(
    c,
    'Connect BlueJeans',
    <FlowStop message={message} retryUrl={retry} retryLabel="Start connecting again" />,
    status,
  );
}

function inviteStop(c: Ctx, err: InviteError) {
  return stop(c, err.message, err.reason === 'invalid' || err.reason === 'wrong_org' ? 400 : 410, '/');
}

const QuerySchema = z.object({
  method: z.enum(CONNECT_METHODS).optional().catch(undefined),
  invite: z
    .string()
    .max(1024)
    .regex(/^[A-Za-z0-9._-]+$/)
    .optional(),
});

const ConfirmSchema = z.object({
  pending: z
    .string()
    .min(1)
    .max(16_384)
    .regex(/^[A-Za-z0-9._-]+$/),
  /** The consent step's optional opt-in to removing users (src/reclaim/opt-in.ts). */
  allowRemoval: z.enum(['yes']).optional(),
});

export const connectRoutes = new Hono<AppEnv>()
  .get(
    '/connect',
    requireRole('admin'),
    validate('query', QuerySchema, (result, c) => {
      if (!result.success) {
        return stop(c, 'This invite link is damaged. Open it again from the message you received.', 400, '/');
      }
    }),
    async (c) => {
      const query = c.req.valid('query');
      const connection = await loadConnection(c);
      let invite: InviteRow | undefined;
      if (query.invite) {
        try {
          invite = await checkInvite(
            c.var.scope.db,
            c.var.deps.sealer.ring,
            query.invite,
            c.var.scope.orgId,
            c.var.deps.clock.now(),
          );
        } catch (err) {
          if (err instanceof InviteError) return inviteStop(c, err);
          throw err;
        }
      }
      const stored = parsePublicConfig(connection.publicConfig);
      const method =
        query.method ??
        (modeFor(connection) === 'reconnect' ? stored.method : undefined) ??
        'client_credentials';
      return renderForm(c, {
        connection,
        invite,
        values: { method, appKey: stored.appKey, username: stored.username, invite: query.invite },
      });
    },
  )
  .post(
    '/',
    requireRole('admin'),
    formBodyLimit,
    validate('form', ConnectFormSchema, async (result, c) => {
      if (result.success) return;
      const connection = await loadConnection(c);
      const values = keptValues(result.data);
      const invite = values.invite ? await usableInviteOrUndefined(c, values.invite) : undefined;
      if (!invite) delete values.invite;
      return renderForm(c, {
        connection,
        values,
        invite,
        errors: fieldErrors(result.error.issues),
        status: 422,
      });
    }),
    async (c) => {
      const form = c.req.valid('form');
      const ctx = flowContext(c);
      const connection = await loadConnection(c);
      let invite: InviteRow | undefined;
      if (form.invite) {
        try {
          invite = await checkInvite(ctx.db, ctx.sealer.ring, form.invite, ctx.orgId, ctx.clock.now());
        } catch (err) {
          if (err instanceof InviteError) return inviteStop(c, err);
          throw err;
        }
      }
      const values: KeptValues = {
        method: form.method,
        ...('appKey' in form ? { appKey: form.appKey } : {}),
        ...('username' in form ? { username: form.username } : {}),
        ...(form.invite ? { invite: form.invite } : {}),
      };
      const r = { connection, values, invite };

      if (form.method === 'oauth') {
        const start = await startOAuth(ctx, connection, {
          appKey: form.appKey,
          appSecret: form.appSecret,
          redirectUri: redirectUri(c),
          ...(invite ? { inviteId: invite.id } : {}),
        });
        setCookie(c, OAUTH_COOKIE, start.cookie, {
          httpOnly: true,
          // Lax: the cookie must come back on BlueJeans' top-level redirect to the callback.
          sameSite: 'Lax',
          secure: publicOrigin(c).startsWith('https:'),
          path: `${BASE}/oauth`,
          maxAge: start.maxAgeSeconds,
        });
        if (isHtmx(c.req)) {
          // fetch() cannot follow a redirect to another origin; htmx navigates the whole page instead.
          c.header('HX-Redirect', start.url);
          return c.body(null, 200);
        }
        return c.redirect(start.url, 303);
      }

      // Every verification is a request to BlueJeans: bounded per organization and client address.
      const limited = await c.var.deps.verifyLimit.limit({
        key: verifyRateLimitKey(ctx.orgId, clientAddress(c)),
      });
      if (!limited.success) return rateLimited(c, r, limited.retryAfterSeconds);

      const credentials = credentialsFromForm(form)!;
      let account: Awaited<ReturnType<typeof verifyCredentials>>;
      try {
        account = await verifyCredentials(ctx, connection, credentials);
      } catch (err) {
        if (err instanceof ConnectorError || err instanceof ConnectFlowError) return formError(c, r, err);
        throw err;
      }

      if (modeFor(connection) === 'connect') {
        const pending = await preparePending(ctx, connection, {
          credentials,
          account,
          ...(invite ? { inviteId: invite.id } : {}),
        });
        return flowResponse(
          c,
          'Connect BlueJeans',
          <Consent
            account={account}
            method={credentials.method}
            pending={pending.sealed}
            expiresAt={pending.expiresAt}
            now={ctx.clock.now()}
            urls={{ confirm: URLS.confirm, cancel: URLS.cancel }}
          />,
        );
      }

      const claim = await claimForm(ctx.db, form.formId, ctx.clock.now());
      if (!claim.claimed) return stop(c, ALREADY_SAVED, 409, '/');
      try {
        await saveCredentials(ctx, { connection, credentials, account, ...(invite ? { invite } : {}) });
      } catch (err) {
        await claim.release();
        if (err instanceof StaleConnectionError) {
          return stop(c, 'The connection changed while saving. Nothing was saved: try again.', 409);
        }
        if (err instanceof InviteError) return inviteStop(c, err);
        throw err;
      }
      return done(c, 'reconnected');
    },
  )
  .post(
    '/confirm',
    requireRole('admin'),
    formBodyLimit,
    validate('form', ConfirmSchema, (result, c) => {
      if (!result.success)
        return stop(c, 'This confirmation was damaged in transit. Nothing was saved.', 400);
    }),
    async (c) => {
      const ctx = flowContext(c);
      const connection = await loadConnection(c);
      const form = c.req.valid('form');
      try {
        const saved = await confirmPending(ctx, connection, form.pending);
        if (form.allowRemoval === 'yes') {
          await allowRemoval(c.var.scope.db, {
            orgId: saved.orgId,
            connectionId: saved.id,
            actor: ctx.actor,
            now: ctx.clock.now(),
            where: 'consent',
          });
        }
      } catch (err) {
        if (err instanceof PendingError) return stop(c, err.message, err.reason === 'expired' ? 410 : 400);
        if (err instanceof ConnectFlowError) return stop(c, err.message, err.status, '/');
        if (err instanceof InviteError) return inviteStop(c, err);
        throw err;
      }
      return done(c, 'connected');
    },
  )
  .post('/cancel', requireRole('admin'), formBodyLimit, async (c) => {
    const ctx = flowContext(c);
    const connection = await loadConnection(c);
    await recordAudit(ctx.db, {
      orgId: connection.orgId,
      connectionId: connection.id,
      actor: ctx.actor,
      action: 'connection.connect_cancelled',
      at: ctx.clock.now(),
    });
    // A pending Sign in with BlueJeans is discarded too, so a Back or reload cannot bring its consent back.
    deleteCookie(c, PENDING_COOKIE, { path: PENDING_COOKIE_PATH });
    return done(c, 'cancelled');
  });

async function usableInviteOrUndefined(c: Ctx, token: string): Promise<InviteRow | undefined> {
  const d = c.var.deps;
  try {
    return await checkInvite(c.var.scope.db, d.sealer.ring, token, c.var.scope.orgId, d.clock.now());
  } catch (err) {
    if (err instanceof InviteError) return undefined;
    throw err;
  }
}
