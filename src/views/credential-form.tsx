import type { FieldErrors, FormField } from '../connections/connect-form';
import { FIELD_LIMITS } from '../connections/connect-form';
import type { ConnectMethod } from '../connectors/types';
import { METHOD_LABEL } from './format';
import { SetupGuide } from './setup-guide';

export interface CredentialFormProps {
  mode: 'connect' | 'reconnect';
  method: ConnectMethod;
  /** Non-secret values to show again (from the last attempt, or stored for Reconnect). */
  values: { appKey?: string | undefined; username?: string | undefined };
  /** Present when the form was opened from an invite link. */
  invite?: { token: string; email: string; createdBy: string } | undefined;
  errors?: FieldErrors | undefined;
  /** One-time id of this rendering of the form (a second submission of it is refused). */
  formId: string;
  /** Where BlueJeans sends the browser back after "Sign in with BlueJeans". */
  redirectUri: string;
  enterpriseName?: string | null | undefined;
  urls: { submit: string; connect: string };
}

const METHODS: ConnectMethod[] = ['client_credentials', 'oauth', 'password', 'access_token'];

/** The credential form with the step-by-step guide beside it (the inside of `#connect-flow`). */
export function CredentialForm(props: CredentialFormProps) {
  const { method, errors } = props;
  const fieldErrors = errors?.fields ?? {};
  const hasErrors = Boolean(errors && (errors.form.length > 0 || Object.keys(errors.fields).length > 0));
  const inviteQuery = props.invite ? `&invite=${encodeURIComponent(props.invite.token)}` : '';
  return (
    <div class="two-col">
      <div>
        {props.invite ? (
          <p class="notice">
            {props.invite.createdBy} invited <strong>{props.invite.email}</strong> to connect BlueJeans. Enter
            an enterprise administrator's credentials below.
          </p>
        ) : null}
        {props.mode === 'reconnect' ? (
          <p class="notice">
            Reconnecting{props.enterpriseName ? ` ${props.enterpriseName}` : ''}: new credentials replace the
            old ones; settings and synced history stay as they are.
          </p>
        ) : null}
        <nav aria-label="How to connect" class="actions" style="margin-bottom:1rem">
          {METHODS.map((m) => (
            <a
              href={`${props.urls.connect}?method=${m}${inviteQuery}`}
              hx-get={`${props.urls.connect}?method=${m}${inviteQuery}`}
              hx-target="#connect-flow"
              hx-swap="innerHTML"
              hx-push-url="true"
              class={m === method ? 'button primary' : 'button'}
              aria-current={m === method ? 'page' : undefined}
            >
              {METHOD_LABEL[m]}
            </a>
          ))}
        </nav>
        {hasErrors ? (
          <div class="notice bad" role="alert" id="form-errors">
            {errors!.form.map((m) => (
              <p style="margin:0">{m}</p>
            ))}
            {Object.keys(fieldErrors).length > 0 ? (
              <p style="margin:0">Nothing was saved. Check the fields marked below.</p>
            ) : null}
          </div>
        ) : null}
        <form
          method="post"
          action={props.urls.submit}
          hx-post={props.urls.submit}
          hx-target="#connect-flow"
          hx-swap="innerHTML"
          hx-disable="find button"
          aria-describedby={hasErrors ? 'form-errors' : undefined}
        >
          <input type="hidden" name="method" value={method} />
          <input type="hidden" name="formId" value={props.formId} />
          {props.invite ? <input type="hidden" name="invite" value={props.invite.token} /> : null}
          <MethodFields {...props} fieldErrors={fieldErrors} />
          {fieldErrors.method ? <p class="error">{fieldErrors.method}</p> : null}
          <button type="submit" class="primary">
            {submitLabel(method, props.mode)}
          </button>{' '}
          <a href="/">Cancel</a>
        </form>
      </div>
      <SetupGuide method={method} redirectUri={props.redirectUri} />
    </div>
  );
}

function submitLabel(method: ConnectMethod, mode: 'connect' | 'reconnect'): string {
  if (method === 'oauth') return 'Sign in with BlueJeans';
  return mode === 'reconnect' ? 'Check and reconnect' : 'Check credentials';
}

function MethodFields(props: CredentialFormProps & { fieldErrors: FieldErrors['fields'] }) {
  const e = props.fieldErrors;
  switch (props.method) {
    case 'client_credentials':
    case 'oauth':
      return (
        <>
          <Field
            name="appKey"
            label="App Key"
            value={props.values.appKey}
            error={e.appKey}
            maxlength={FIELD_LIMITS.appKey}
            hint="From Admin > Group Settings > OAuth Access."
          />
          <Field
            name="appSecret"
            label="App Secret"
            secret
            error={e.appSecret}
            maxlength={FIELD_LIMITS.appSecret}
            hint="Shown by BlueJeans once, when the app is added."
          />
        </>
      );
    case 'password':
      return (
        <>
          <Field
            name="username"
            label="Username or email"
            value={props.values.username}
            error={e.username}
            maxlength={FIELD_LIMITS.username}
            autocomplete="username"
          />
          <Field
            name="password"
            label="Password"
            secret
            error={e.password}
            maxlength={FIELD_LIMITS.password}
            autocomplete="current-password"
          />
        </>
      );
    case 'access_token':
      return (
        <Field
          name="accessToken"
          label="Access token"
          secret
          error={e.accessToken}
          maxlength={FIELD_LIMITS.accessToken}
          hint="Seatwise checks it with BlueJeans before saving anything."
        />
      );
  }
}

interface FieldProps {
  name: FormField;
  label: string;
  /** Secrets render as password inputs that never carry a value. */
  secret?: boolean;
  value?: string | undefined;
  error?: string | undefined;
  hint?: string;
  maxlength: number;
  autocomplete?: string;
}

function Field(props: FieldProps) {
  const hintId = props.hint ? `${props.name}-hint` : undefined;
  const errorId = props.error ? `${props.name}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div class="field">
      <label for={props.name}>{props.label}</label>
      <input
        id={props.name}
        name={props.name}
        type={props.secret ? 'password' : 'text'}
        // Never a value on a secret: what was typed must not come back from the server.
        value={props.secret ? undefined : props.value}
        required
        maxlength={props.maxlength}
        autocomplete={props.autocomplete ?? 'off'}
        autocapitalize="off"
        spellcheck={false}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={describedBy}
      />
      {props.hint ? (
        <p class="muted" id={hintId} style="margin:0.2rem 0 0">
          {props.hint}
        </p>
      ) : null}
      {props.error ? (
        <p class="error" id={errorId}>
          {props.error}
        </p>
      ) : null}
    </div>
  );
}
