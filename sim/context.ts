import type { AppRegistry } from './auth/apps';
import type { CodeStore } from './auth/codes';
import type { GrantStore } from './auth/grants';
import type { TokenRecord, TokenStore } from './auth/tokens';
import type { EnterpriseModel } from './data/model';
import type { FaultController } from './faults';
import type { StatsCollector } from './stats';

/** Everything the routes share; built once per simulator (no module-level state). */
export interface SimContext {
  seed: number;
  model: EnterpriseModel;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  faults: FaultController;
  tokens: TokenStore;
  codes: CodeStore;
  /** Users' consents to 3-legged apps (getGrantedApplications / revokeGrantedApplication). */
  grants: GrantStore;
  apps: AppRegistry;
  stats: StatsCollector;
  specYaml?: string;
  /** Removes users now (control and the churn fault share it); returns removed user ids. */
  removeUsers(target: number | readonly number[]): number[];
}

/** Parsed body of a token request, memoised per request. */
export type GrantBody = Record<string, string>;

/** Hono environment of the simulator app. */
export interface SimEnv {
  Variables: {
    operation: string;
    /** The request's fault sequence number. */
    seq: number;
    auth: TokenRecord;
    grantBody: GrantBody;
  };
}
