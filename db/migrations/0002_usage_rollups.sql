CREATE TABLE `usage_daily` (
	`connection_id` text NOT NULL,
	`kind` text NOT NULL,
	`subject` text NOT NULL,
	`day` integer NOT NULL,
	`meetings_hosted` integer DEFAULT 0 NOT NULL,
	`hosted_minutes` integer DEFAULT 0 NOT NULL,
	`meetings_attended` integer DEFAULT 0 NOT NULL,
	`participant_minutes` integer DEFAULT 0 NOT NULL,
	`pstn_minutes` integer DEFAULT 0 NOT NULL,
	`f_recording` integer DEFAULT 0 NOT NULL,
	`f_content_share` integer DEFAULT 0 NOT NULL,
	`f_video_share` integer DEFAULT 0 NOT NULL,
	`f_pstn` integer DEFAULT 0 NOT NULL,
	`f_large_meeting` integer DEFAULT 0 NOT NULL,
	`f_personal` integer DEFAULT 0 NOT NULL,
	`last_at` integer,
	PRIMARY KEY(`connection_id`, `kind`, `subject`, `day`),
	FOREIGN KEY (`connection_id`) REFERENCES `connections`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `usage_dirty` (
	`connection_id` text NOT NULL,
	`kind` text NOT NULL,
	`subject` text NOT NULL,
	`day` integer NOT NULL,
	PRIMARY KEY(`connection_id`, `kind`, `subject`, `day`)
);
--> statement-breakpoint
CREATE INDEX `bj_history_leader_id_start` ON `bj_meeting_history` (`connection_id`,`leader_user_id`,`start_time`);
--> statement-breakpoint
-- Backfill: the rollup of every raw row already synced (the query rollupFromScratch in db/queries/rollups.ts).
INSERT INTO `usage_daily` (connection_id, kind, subject, day, meetings_hosted, hosted_minutes, meetings_attended,
  participant_minutes, pstn_minutes, f_recording, f_content_share, f_video_share, f_pstn, f_large_meeting,
  f_personal, last_at)
SELECT connection_id, kind, subject, day, sum(mh), sum(hm), sum(ma), sum(pm), sum(psm), sum(fr), sum(fc), sum(fv),
  sum(fp), sum(fl), sum(fpe), max(last_at)
FROM (
  SELECT m.connection_id, 'e' AS kind, m.host_email AS subject, m.start_time / 86400000 AS day,
    1 AS mh, 0 AS hm, 0 AS ma, 0 AS pm, 0 AS psm, (m.recording OR m.live_recording) AS fr, m.content_share AS fc,
    m.video_share AS fv, m.pstn AS fp, m.large_meeting AS fl, m.personal AS fpe, m.start_time AS last_at
  FROM bj_meetings m WHERE m.host_email IS NOT NULL
  UNION ALL
  SELECT h.connection_id, CASE WHEN h.leader_user_id IS NOT NULL THEN 'u' ELSE 'e' END,
    coalesce(h.leader_user_id, h.leader_email), h.start_time / 86400000,
    0, h.duration_minutes, 0, 0, h.dialout_minutes + h.toll_free_minutes + h.did_minutes, 0, 0, 0, 0, 0, 0, NULL
  FROM bj_meeting_history h WHERE coalesce(h.leader_user_id, h.leader_email) IS NOT NULL
  UNION ALL
  SELECT p.connection_id, CASE WHEN p.user_id IS NOT NULL THEN 'u' ELSE 'e' END,
    coalesce(p.user_id, p.email), p.join_time / 86400000,
    0, 0, 1, p.minutes, 0, 0, 0, 0, 0, 0, 0, p.join_time
  FROM bj_participants p WHERE p.join_time IS NOT NULL AND coalesce(p.user_id, p.email) IS NOT NULL
)
GROUP BY connection_id, kind, subject, day;
