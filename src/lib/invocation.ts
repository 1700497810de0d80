/**
 * The request budget of the work running now, so that an HTTP database client shared by a whole
 * isolate can charge each round trip to the invocation (and the queue message) that made it. Workers
 * runs several invocations in one isolate at once; AsyncLocalStorage keeps them apart (the Worker
 * enables it with the `nodejs_als` compatibility flag; Node and Deno have it built in).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { FetchLike } from '../connectors/types';
import type { RequestBudget } from './request-budget';

const current = new AsyncLocalStorage<RequestBudget>();

/** Runs `fn` with `budget` as the budget that round trips made inside it are charged to. */
export function withBudget<T>(budget: RequestBudget, fn: () => Promise<T>): Promise<T> {
  return current.run(budget, fn);
}

/** The budget of the work running now, if any. */
export function currentBudget(): RequestBudget | undefined {
  return current.getStore();
}

/**
 * `fetch` that charges every request to the current budget (one subrequest each). The Worker gives it
 * to the libSQL HTTP client, so database round trips count exactly as the platform counts them.
 */
export function chargingFetch(inner: FetchLike): FetchLike {
  return (input, init) => {
    currentBudget()?.charge();
    return inner(input, init);
  };
}
