/**
 * A request budget for one invocation: Workers caps subrequests per invocation, so every HTTP request a
 * slice makes (token mints and retries included) draws from one shared budget. When it is spent the
 * connector stops at a page boundary and the sync continues in the next slice.
 */

export interface RequestBudget {
  /** Requests still allowed in this invocation. */
  readonly remaining: number;
  /** Requests made so far. */
  readonly used: number;
  /** Takes one request from the budget; false when none is left (nothing is taken then). */
  tryTake(): boolean;
}

/** A budget of `limit` requests (use `Infinity` for none). */
export function createRequestBudget(limit: number): RequestBudget {
  if (!(limit >= 0)) throw new RangeError('limit must be >= 0');
  let used = 0;
  return {
    get remaining() {
      return limit - used;
    },
    get used() {
      return used;
    },
    tryTake() {
      if (used >= limit) return false;
      used += 1;
      return true;
    },
  };
}
