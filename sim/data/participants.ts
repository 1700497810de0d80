import { hash, type Rng, rngFor, Salt } from '../lib/prng';
import type { MeetingFacts, Participant } from './meetings';
import { DIAL_IN, FIRST_NAMES, GUEST_DOMAINS, LAST_NAMES, LOCATIONS } from './names';
import type { UserDirectory } from './users';

/** Names, addresses and devices of a meeting's attendees: a separate PRNG stream, drawn only for records. */
export function describeParticipants(seed: number, users: UserDirectory, f: MeetingFacts): Participant[] {
  const encrypted = f.encryptionType === 1;
  const hostLocation = hash(seed, Salt.presentation, f.day, f.j) % LOCATIONS.length;
  return f.attendees.map((a, k) => {
    const rng = rngFor(seed, Salt.presentation, f.day, f.j, k);
    const locationIndex = k === 0 || rng.chance(0.7) ? hostLocation : rng.int(0, LOCATIONS.length - 1);
    const common = { ...a, guid: guidFrom(rng), encrypted, locationIndex };
    if (a.userIndex !== undefined) {
      const u = k === 0 ? f.host : users.user(a.userIndex);
      const pstn = a.kind.startsWith('pstn');
      return {
        ...common,
        userId: u.id,
        name: `${u.firstName} ${u.lastName}`,
        email: u.email,
        remoteAddress: pstn ? maskPhone(u.phone) : ipFrom(rng),
        ...(pstn ? { dialNumber: rng.pick(DIAL_IN.did) } : {}),
      };
    }
    if (a.kind.startsWith('pstn')) {
      const phone = maskPhone(
        `+1 ${rng.int(201, 989)} ${rng.int(200, 999)} ${String(rng.int(0, 9999)).padStart(4, '0')}`,
      );
      const dialNumber = a.kind === 'pstn-tollfree' ? rng.pick(DIAL_IN.tollFree) : rng.pick(DIAL_IN.did);
      return { ...common, name: phone, remoteAddress: phone, dialNumber };
    }
    if (a.kind === 'isdn')
      return { ...common, name: `ISDN ${rng.int(1000, 9999)}`, remoteAddress: ipFrom(rng) };
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    return {
      ...common,
      name: `${first} ${last}`,
      email: `${first}.${last}@${rng.pick(GUEST_DOMAINS)}`.toLowerCase(),
      remoteAddress: ipFrom(rng),
    };
  });
}

function guidFrom(rng: Rng): string {
  return `${rng.hex(8)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(12)}`;
}

function ipFrom(rng: Rng): string {
  // Documentation ranges (RFC 5737), so no real address ever appears.
  const block = rng.pick(['192.0.2', '198.51.100', '203.0.113']);
  return `${block}.${rng.int(1, 254)}`;
}

function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return `+${digits.slice(0, digits.length - 7)}***${digits.slice(-4)}`;
}
