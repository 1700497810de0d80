/**
 * Connection checks: prove credentials can read enterprise data before anything is saved, and describe
 * the account. Every failure is already an actionable ConnectorError (see errors.ts); this adds the
 * "signs in but is not an enterprise admin" case, which only shows up here.
 */
import type { AccountInfo, ConnectMethod } from '../types';
import { ConnectorError } from '../types';
import type { AuthStrategy, TokenGrant } from './auth';
import type { BlueJeansClient } from './client';
import { notAdmin } from './errors';
import { EnterpriseUserSearch, UserProfile } from './schemas';

/** Mints with `strategy`, makes one enterprise call, and returns who the account is. */
export async function verifyWith(
  client: BlueJeansClient,
  strategy: AuthStrategy,
): Promise<{ account: AccountInfo; grant: TokenGrant }> {
  const grant = await strategy.mint(client, null);
  return { grant, account: await describe(client, strategy.method, strategy.label, grant) };
}

/** Checks an obtained grant against the enterprise and builds AccountInfo. */
export async function describe(
  client: BlueJeansClient,
  method: ConnectMethod,
  label: string,
  grant: TokenGrant,
): Promise<AccountInfo> {
  // The enterprise profile already said so; no need to spend a call to learn it again.
  if (grant.enterpriseAdmin === false) throw notAdmin({}, method);
  const enterpriseId = grant.enterpriseId as string;
  // operationId: searchUsers (one enterprise-wide call: only enterprise admins may list users)
  await client.call({
    operationId: 'searchUsers',
    method: 'GET',
    path: `/v1/enterprise/${encodeURIComponent(enterpriseId)}/users`,
    query: { pageSize: 1, pageNumber: 1 },
    auth: { kind: 'bearer', token: grant.accessToken },
    context: { call: 'data', method },
    schema: EnterpriseUserSearch,
  });
  let accountLabel = label;
  if ((method === 'access_token' || method === 'oauth') && grant.userId) {
    accountLabel = await usernameOf(client, method, grant.accessToken, grant.userId);
  }
  return {
    enterpriseId,
    accountLabel,
    ...(grant.credentialsExpireAt !== undefined ? { credentialsExpireAt: grant.credentialsExpireAt } : {}),
  };
}

/**
 * A user token's label: its username (getUser), else "BlueJeans user <id>". Best-effort: a label is not
 * worth failing a connection over, so only auth failures propagate.
 */
async function usernameOf(
  client: BlueJeansClient,
  method: ConnectMethod,
  accessToken: string,
  userId: string,
): Promise<string> {
  try {
    // operationId: getUser
    const user = await client.call({
      operationId: 'getUser',
      method: 'GET',
      path: `/v1/user/${encodeURIComponent(userId)}`,
      auth: { kind: 'bearer', token: accessToken },
      context: { call: 'data', method },
      schema: UserProfile,
    });
    if (user.username) return user.username;
    if (user.emailId) return user.emailId;
  } catch (e) {
    if (e instanceof ConnectorError && e.kind === 'auth') throw e;
  }
  return `BlueJeans user ${userId}`;
}
