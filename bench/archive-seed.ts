/**
 * A large synced enterprise written straight into the database with recursive SQL (no sync, no JS rows),
 * for the archive benchmark and the archive's flat-memory test: `meetings` meetings, one history row
 * each and `participantsPerMeeting` participants per meeting, spread over the year before `now`.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';

const DAY = 86_400_000;

export interface LargeSeed {
  meetings: number;
  participantsPerMeeting: number;
  users?: number;
  now: number;
}

export async function seedLargeEnterprise(db: Db, connectionId: string, s: LargeSeed): Promise<void> {
  const users = s.users ?? 10_000;
  const span = 365 * DAY;
  const series = (n: number) =>
    sql.raw(`with recursive n(i) as (select 0 union all select i + 1 from n where i < ${n - 1})`);
  await db.run(sql`insert into bj_users (connection_id, user_id, username, first_name, last_name, email,
      is_enterprise_admin, first_seen_at, last_listed_at, removed_at, last_active_at)
    ${series(users)} select ${connectionId}, 'u' || i, 'user' || i, 'First' || i, 'Last' || (i % 997),
      'user' || i || '@example.com', i % 500 = 0, ${s.now - span}, ${s.now},
      case when i % 50 = 1 then ${s.now - 10 * DAY} end, ${s.now} - (i * 7919 % ${span}) from n`);
  await db.run(sql`insert into bj_meetings (connection_id, meeting_uuid, meeting_id, host_user_name, host_email,
      title, start_time, end_time, total_call_seconds, endpoints_count, concurrent_endpoints, invitee_count,
      recording, content_share, video_share, large_meeting, pstn, scheduled_from, synced_at)
    ${series(s.meetings)} select ${connectionId}, printf('m%09d', i), printf('%010d', i * 37),
      'user' || (i % ${users}), 'user' || (i % ${users}) || '@example.com', 'Weekly sync #' || i || ', team "' || (i % 40) || '"',
      ${s.now} - (i * 104729 % ${span}), ${s.now} - (i * 104729 % ${span}) + 1800000, 1800 + i % 1800,
      ${s.participantsPerMeeting}, 2, i % 9, i % 5 = 0, i % 2 = 0, i % 7 = 0, i % 97 = 0, i % 11 = 0,
      'outlook', ${s.now} from n`);
  await db.run(sql`insert into bj_meeting_history (connection_id, meeting_guid, meeting_uuid, leader_user_id,
      leader_email, start_time, duration_minutes, max_participants, total_participant_minutes, dialout_minutes,
      did_minutes, synced_at)
    ${series(s.meetings)} select ${connectionId}, printf('g%09d', i), printf('m%09d', i), 'u' || (i % ${users}),
      'user' || (i % ${users}) || '@example.com', ${s.now} - (i * 104729 % ${span}), 30 + i % 30,
      ${s.participantsPerMeeting}, 90 + i % 90, i % 13, i % 3, ${s.now} from n`);
  await db.run(sql`insert into bj_participants (connection_id, meeting_guid, participant_key, user_id, email,
      minutes, device_type, join_time, disconnect_time, is_moderator)
    ${series(s.meetings * s.participantsPerMeeting)} select ${connectionId},
      printf('g%09d', i / ${s.participantsPerMeeting}), 'u' || ((i * 31) % ${users}), 'u' || ((i * 31) % ${users}),
      'user' || ((i * 31) % ${users}) || '@example.com', 5 + i % 55, 'Chrome browser',
      ${s.now} - ((i / ${s.participantsPerMeeting}) * 104729 % ${span}),
      ${s.now} - ((i / ${s.participantsPerMeeting}) * 104729 % ${span}) + 1500000, i % ${s.participantsPerMeeting} = 0
    from n`);
  await db.run(sql`insert into bj_daily_usage (connection_id, day, active_users, num_meetings, num_endpoints,
      endpoint_minutes, synced_at)
    ${series(365)} select ${connectionId}, date(${s.now / 1000} - i * 86400, 'unixepoch'), 100 + i % 50,
      ${Math.round(s.meetings / 365)}, 3 * ${Math.round(s.meetings / 365)}, 1000 + i, ${s.now} from n`);
}
