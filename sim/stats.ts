/** Counters tests assert on (e.g. "two concurrent callers produce one token request"). */
export interface SimStats {
  /** API requests received (control endpoints excluded). */
  requests: number;
  /** Requests per spec operationId (token requests under `oauthToken`). */
  byOperation: Record<string, number>;
  /** Responses per HTTP status. */
  byStatus: Record<string, number>;
  /** POST /oauth2/token requests, whatever their outcome. */
  tokenRequests: number;
  /** Token requests per grant_type as sent. */
  tokenRequestsByGrant: Record<string, number>;
  rateLimited: number;
  serverErrors: number;
  malformed: number;
  /** User ids removed at run time (control, the churn fault or removeUser), in order. */
  removedUserIds: number[];
}

/** Mutable counters behind `control.stats()`. */
export class StatsCollector {
  private data: SimStats = StatsCollector.empty();

  private static empty(): SimStats {
    return {
      requests: 0,
      byOperation: {},
      byStatus: {},
      tokenRequests: 0,
      tokenRequestsByGrant: {},
      rateLimited: 0,
      serverErrors: 0,
      malformed: 0,
      removedUserIds: [],
    };
  }

  /** A deep copy of the counters. */
  snapshot(): SimStats {
    return structuredClone(this.data);
  }

  reset(): void {
    this.data = StatsCollector.empty();
  }

  request(operation: string): void {
    this.data.requests++;
    this.data.byOperation[operation] = (this.data.byOperation[operation] ?? 0) + 1;
    if (operation === 'oauthToken') this.data.tokenRequests++;
  }

  grant(grantType: string): void {
    this.data.tokenRequestsByGrant[grantType] = (this.data.tokenRequestsByGrant[grantType] ?? 0) + 1;
  }

  status(status: number): void {
    this.data.byStatus[String(status)] = (this.data.byStatus[String(status)] ?? 0) + 1;
  }

  rateLimited(): void {
    this.data.rateLimited++;
  }

  serverError(): void {
    this.data.serverErrors++;
  }

  malformed(): void {
    this.data.malformed++;
  }

  removed(userIds: readonly number[]): void {
    this.data.removedUserIds.push(...userIds);
  }
}
