/** A user's consent to a 3-legged app (spec: GrantedApplications), made when its code is exchanged. */
export interface GrantRecord {
  userIndex: number;
  appKey: string;
  scopes: string[];
  grantedAt: number;
}

/**
 * Applications each user has granted access to. Revoking a grant (revokeGrantedApplication) ends the
 * app's access for that user: its access tokens and refresh tokens stop working (TokenStore.revokeGrant).
 */
export class GrantStore {
  private readonly grants = new Map<string, GrantRecord>();

  private static key(userIndex: number, appKey: string): string {
    return `${userIndex}:${appKey}`;
  }

  /** Records (or renews) a grant; scopes are those of the newest consent. */
  grant(userIndex: number, appKey: string, scopes: string[], now: number): GrantRecord {
    const record = { userIndex, appKey, scopes: [...scopes], grantedAt: now };
    this.grants.set(GrantStore.key(userIndex, appKey), record);
    return record;
  }

  get(userIndex: number, appKey: string): GrantRecord | undefined {
    return this.grants.get(GrantStore.key(userIndex, appKey));
  }

  /** A user's grants, newest first. */
  list(userIndex: number): GrantRecord[] {
    return [...this.grants.values()]
      .filter((g) => g.userIndex === userIndex)
      .sort((a, b) => b.grantedAt - a.grantedAt);
  }

  /** Removes a grant; false when the user had not granted that app. */
  revoke(userIndex: number, appKey: string): boolean {
    return this.grants.delete(GrantStore.key(userIndex, appKey));
  }

  clear(): void {
    this.grants.clear();
  }
}
