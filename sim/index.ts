/**
 * The BlueJeans REST API simulator: a Hono app serving swagger.yaml's shapes over a seeded
 * enterprise, with seeded faults. Runtime-neutral (Node and workerd); the Node server lives in
 * server.ts and the CLI in cli.ts.
 */
export { createSimulator } from './app';
export type { FaultSettings, SimControl, SimOptions, SimStats, Simulator } from './types';
