/**
 * Request budgets. Workers caps subrequests per invocation (Free: 50, Paid: 1,000), and a queue batch
 * of several messages is ONE invocation; database round trips over HTTP (Turso) count as much as
 * BlueJeans requests. So a budget can have a parent: every request it allows is charged up the chain,
 * and it never allows more than its parent has left (minus a reserve the parent keeps for closing
 * work). The Worker makes one budget per invocation, a child per message, and a grandchild for the
 * BlueJeans requests of a slice; database round trips are charged by the HTTP client itself
 * (src/lib/invocation.ts). When a budget is spent the connector stops at a page boundary and the sync
 * continues in the next slice.
 */

export interface RequestBudget {
  /** Requests still allowed (the tightest of this budget and its parents). */
  readonly remaining: number;
  /** Requests charged to this budget so far (its children's included). */
  readonly used: number;
  /** Takes one request if one is left; false when none is (nothing is taken then). */
  tryTake(): boolean;
  /**
   * Counts a request that is made whatever is left (a database round trip the work cannot skip).
   * The sync plans with reserves so that these stay within the limit.
   */
  charge(): void;
}

export interface BudgetOptions {
  /** Every request is charged to the parent too; `remaining` never exceeds the parent's. */
  parent?: RequestBudget;
  /** Requests of the parent this budget may not take (left for work after it, e.g. closing a slice). */
  reserve?: number;
}

/** A budget of `limit` requests (use `Infinity` for none). */
export function createRequestBudget(limit: number, options: BudgetOptions = {}): RequestBudget {
  if (!(limit >= 0)) throw new RangeError('limit must be >= 0');
  const { parent, reserve = 0 } = options;
  let used = 0;
  const budget: RequestBudget = {
    get remaining() {
      const own = limit - used;
      return parent ? Math.max(0, Math.min(own, parent.remaining - reserve)) : Math.max(0, own);
    },
    get used() {
      return used;
    },
    tryTake() {
      if (budget.remaining < 1) return false;
      budget.charge();
      return true;
    },
    charge() {
      used += 1;
      parent?.charge();
    },
  };
  return budget;
}

/** Workers plans (`WORKERS_PLAN`) and the subrequests one invocation may make on each. */
export const SUBREQUEST_PRESETS = { free: 50, paid: 1000 } as const;

export type WorkersPlan = keyof typeof SUBREQUEST_PRESETS;
