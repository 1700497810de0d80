import { hash, Salt } from '../lib/prng';
import { COMPANIES } from './names';

/** Who the simulated enterprise is: stable for a seed. */
export interface EnterpriseIdentity {
  id: number;
  name: string;
  domain: string;
  partition: { id: number; name: string };
}

/** The enterprise a seed stands for (id, display name, email domain, partition). */
export function enterpriseFor(seed: number): EnterpriseIdentity {
  const company = COMPANIES[hash(seed, Salt.enterprise, 1) % COMPANIES.length] ?? COMPANIES[0];
  const partitionId = 1 + (hash(seed, Salt.enterprise, 2) % 4);
  return {
    // Five or six digits, like the enterprise ids BlueJeans handed out.
    id: 10_000 + (hash(seed, Salt.enterprise, 0) % 890_000),
    name: company.name,
    domain: company.domain,
    partition: { id: partitionId, name: `z${partitionId}` },
  };
}
