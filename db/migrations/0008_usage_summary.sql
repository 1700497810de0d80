ALTER TABLE `usage_period` ADD `username` text;--> statement-breakpoint
ALTER TABLE `usage_period` ADD `name` text;--> statement-breakpoint
ALTER TABLE `usage_period` ADD `email` text;--> statement-breakpoint
ALTER TABLE `usage_period` ADD `is_admin` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_period` ADD `joined_at` integer;--> statement-breakpoint
ALTER TABLE `usage_period` ADD `removed_at` integer;--> statement-breakpoint
ALTER TABLE `usage_period` ADD `reclaimed_at` integer;--> statement-breakpoint
ALTER TABLE `usage_period` ADD `reclaimed_by` text;--> statement-breakpoint
ALTER TABLE `usage_period` ADD `last_active_at` integer;--> statement-breakpoint
ALTER TABLE `usage_period` ADD `status` text DEFAULT 'never' NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_period` ADD `rec_base` text;--> statement-breakpoint
ALTER TABLE `usage_period` ADD `rec` text;--> statement-breakpoint
ALTER TABLE `usage_period` ADD `search` text;--> statement-breakpoint
ALTER TABLE `usage_period` ADD `mask` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `usage_period_name_asc` ON `usage_period` (`connection_id`,name COLLATE NOCASE ASC,`user_id`,`status`,`rec`,`mask`);--> statement-breakpoint
CREATE INDEX `usage_period_status_name_asc` ON `usage_period` (`connection_id`,`status`,name COLLATE NOCASE ASC,`user_id`,`rec`,`mask`);--> statement-breakpoint
CREATE INDEX `usage_period_name_desc` ON `usage_period` (`connection_id`,name COLLATE NOCASE DESC,`user_id`,`status`,`rec`,`mask`);--> statement-breakpoint
CREATE INDEX `usage_period_status_name_desc` ON `usage_period` (`connection_id`,`status`,name COLLATE NOCASE DESC,`user_id`,`rec`,`mask`);--> statement-breakpoint
CREATE INDEX `usage_period_email_asc` ON `usage_period` (`connection_id`,email COLLATE NOCASE ASC,`user_id`,`status`,`rec`,`mask`);--> statement-breakpoint
CREATE INDEX `usage_period_status_email_asc` ON `usage_period` (`connection_id`,`status`,email COLLATE NOCASE ASC,`user_id`,`rec`,`mask`);--> statement-breakpoint
CREATE INDEX `usage_period_email_desc` ON `usage_period` (`connection_id`,email COLLATE NOCASE DESC,`user_id`,`status`,`rec`,`mask`);--> statement-breakpoint
CREATE INDEX `usage_period_status_email_desc` ON `usage_period` (`connection_id`,`status`,email COLLATE NOCASE DESC,`user_id`,`rec`,`mask`);--> statement-breakpoint
CREATE INDEX `usage_period_status_asc` ON `usage_period` (`connection_id`,CASE status WHEN 'never' THEN 0 WHEN 'inactive' THEN 1 WHEN 'active' THEN 2 ELSE 3 END ASC,`user_id`,`status`,`rec`,`mask`);--> statement-breakpoint
CREATE INDEX `usage_period_status_status_asc` ON `usage_period` (`connection_id`,`status`,CASE status WHEN 'never' THEN 0 WHEN 'inactive' THEN 1 WHEN 'active' THEN 2 ELSE 3 END ASC,`user_id`,`rec`,`mask`);--> statement-breakpoint
CREATE INDEX `usage_period_status_desc` ON `usage_period` (`connection_id`,CASE status WHEN 'never' THEN 0 WHEN 'inactive' THEN 1 WHEN 'active' THEN 2 ELSE 3 END DESC,`user_id`,`status`,`rec`,`mask`);--> statement-breakpoint
CREATE INDEX `usage_period_status_status_desc` ON `usage_period` (`connection_id`,`status`,CASE status WHEN 'never' THEN 0 WHEN 'inactive' THEN 1 WHEN 'active' THEN 2 ELSE 3 END DESC,`user_id`,`rec`,`mask`);--> statement-breakpoint
CREATE INDEX `usage_period_recommendation_asc` ON `usage_period` (`connection_id`,CASE rec WHEN 'reclaim' THEN 0 WHEN 'attendee_only' THEN 1 WHEN 'new' THEN 2 WHEN 'keep' THEN 3 WHEN 'exempt' THEN 4 ELSE 5 END ASC,`user_id`,`status`,`rec`,`mask`);--> statement-breakpoint
CREATE INDEX `usage_period_status_recommendation_asc` ON `usage_period` (`connection_id`,`status`,CASE rec WHEN 'reclaim' THEN 0 WHEN 'attendee_only' THEN 1 WHEN 'new' THEN 2 WHEN 'keep' THEN 3 WHEN 'exempt' THEN 4 ELSE 5 END ASC,`user_id`,`rec`,`mask`);--> statement-breakpoint
CREATE INDEX `usage_period_recommendation_desc` ON `usage_period` (`connection_id`,CASE rec WHEN 'reclaim' THEN 0 WHEN 'attendee_only' THEN 1 WHEN 'new' THEN 2 WHEN 'keep' THEN 3 WHEN 'exempt' THEN 4 ELSE 5 END DESC,`user_id`,`status`,`rec`,`mask`);--> statement-breakpoint
CREATE INDEX `usage_period_status_recommendation_desc` ON `usage_period` (`connection_id`,`status`,CASE rec WHEN 'reclaim' THEN 0 WHEN 'attendee_only' THEN 1 WHEN 'new' THEN 2 WHEN 'keep' THEN 3 WHEN 'exempt' THEN 4 ELSE 5 END DESC,`user_id`,`rec`,`mask`);--> statement-breakpoint
CREATE INDEX `usage_period_last_active_asc` ON `usage_period` (`connection_id`,last_active_at ASC,`user_id`,`status`,`rec`,`mask`);--> statement-breakpoint
CREATE INDEX `usage_period_status_last_active_asc` ON `usage_period` (`connection_id`,`status`,last_active_at ASC,`user_id`,`rec`,`mask`);--> statement-breakpoint
CREATE INDEX `usage_period_last_active_desc` ON `usage_period` (`connection_id`,last_active_at DESC,`user_id`,`status`,`rec`,`mask`);--> statement-breakpoint
CREATE INDEX `usage_period_status_last_active_desc` ON `usage_period` (`connection_id`,`status`,last_active_at DESC,`user_id`,`rec`,`mask`);--> statement-breakpoint
CREATE INDEX `usage_period_meetings_asc` ON `usage_period` (`connection_id`,meetings_hosted ASC,meetings_attended ASC,`user_id`,`status`,`rec`,`mask`);--> statement-breakpoint
CREATE INDEX `usage_period_status_meetings_asc` ON `usage_period` (`connection_id`,`status`,meetings_hosted ASC,meetings_attended ASC,`user_id`,`rec`,`mask`);--> statement-breakpoint
CREATE INDEX `usage_period_meetings_desc` ON `usage_period` (`connection_id`,meetings_hosted DESC,meetings_attended DESC,`user_id`,`status`,`rec`,`mask`);--> statement-breakpoint
CREATE INDEX `usage_period_status_meetings_desc` ON `usage_period` (`connection_id`,`status`,meetings_hosted DESC,meetings_attended DESC,`user_id`,`rec`,`mask`);--> statement-breakpoint
CREATE INDEX `usage_period_attended_asc` ON `usage_period` (`connection_id`,meetings_attended ASC,`user_id`,`status`,`rec`,`mask`);--> statement-breakpoint
CREATE INDEX `usage_period_status_attended_asc` ON `usage_period` (`connection_id`,`status`,meetings_attended ASC,`user_id`,`rec`,`mask`);--> statement-breakpoint
CREATE INDEX `usage_period_attended_desc` ON `usage_period` (`connection_id`,meetings_attended DESC,`user_id`,`status`,`rec`,`mask`);--> statement-breakpoint
CREATE INDEX `usage_period_status_attended_desc` ON `usage_period` (`connection_id`,`status`,meetings_attended DESC,`user_id`,`rec`,`mask`);--> statement-breakpoint
CREATE INDEX `usage_period_minutes_asc` ON `usage_period` (`connection_id`,participant_minutes ASC,`user_id`,`status`,`rec`,`mask`);--> statement-breakpoint
CREATE INDEX `usage_period_status_minutes_asc` ON `usage_period` (`connection_id`,`status`,participant_minutes ASC,`user_id`,`rec`,`mask`);--> statement-breakpoint
CREATE INDEX `usage_period_minutes_desc` ON `usage_period` (`connection_id`,participant_minutes DESC,`user_id`,`status`,`rec`,`mask`);--> statement-breakpoint
CREATE INDEX `usage_period_status_minutes_desc` ON `usage_period` (`connection_id`,`status`,participant_minutes DESC,`user_id`,`rec`,`mask`);--> statement-breakpoint
CREATE INDEX `usage_period_features_asc` ON `usage_period` (`connection_id`,(f_recording + f_content_share + f_video_share + f_pstn + f_large_meeting + f_personal) ASC,`user_id`,`status`,`rec`,`mask`);--> statement-breakpoint
CREATE INDEX `usage_period_status_features_asc` ON `usage_period` (`connection_id`,`status`,(f_recording + f_content_share + f_video_share + f_pstn + f_large_meeting + f_personal) ASC,`user_id`,`rec`,`mask`);--> statement-breakpoint
CREATE INDEX `usage_period_features_desc` ON `usage_period` (`connection_id`,(f_recording + f_content_share + f_video_share + f_pstn + f_large_meeting + f_personal) DESC,`user_id`,`status`,`rec`,`mask`);--> statement-breakpoint
CREATE INDEX `usage_period_status_features_desc` ON `usage_period` (`connection_id`,`status`,(f_recording + f_content_share + f_video_share + f_pstn + f_large_meeting + f_personal) DESC,`user_id`,`rec`,`mask`);--> statement-breakpoint
CREATE INDEX `usage_period_joined` ON `usage_period` (`connection_id`,`joined_at`);--> statement-breakpoint
CREATE INDEX `usage_period_rec` ON `usage_period` (`connection_id`,`rec`,`status`,`mask`);--> statement-breakpoint
CREATE INDEX `usage_period_search` ON `usage_period` (`connection_id`,`search`,`status`,`rec`,`mask`);--> statement-breakpoint
CREATE INDEX `usage_period_f0` ON `usage_period` (`connection_id`) WHERE ("usage_period"."mask" & 1) <> 0;--> statement-breakpoint
CREATE INDEX `usage_period_f1` ON `usage_period` (`connection_id`) WHERE ("usage_period"."mask" & 2) <> 0;--> statement-breakpoint
CREATE INDEX `usage_period_f2` ON `usage_period` (`connection_id`) WHERE ("usage_period"."mask" & 4) <> 0;--> statement-breakpoint
CREATE INDEX `usage_period_f3` ON `usage_period` (`connection_id`) WHERE ("usage_period"."mask" & 8) <> 0;--> statement-breakpoint
CREATE INDEX `usage_period_f4` ON `usage_period` (`connection_id`) WHERE ("usage_period"."mask" & 16) <> 0;--> statement-breakpoint
CREATE INDEX `usage_period_f5` ON `usage_period` (`connection_id`) WHERE ("usage_period"."mask" & 32) <> 0;--> statement-breakpoint
ALTER TABLE `usage_state` ADD `summary_key` text;--> statement-breakpoint
ALTER TABLE `usage_state` ADD `grace_from` integer;--> statement-breakpoint
ALTER TABLE `usage_state` ADD `grace_lo` integer;--> statement-breakpoint
ALTER TABLE `usage_state` ADD `grace_hi` integer;--> statement-breakpoint
ALTER TABLE `usage_state` ADD `summary_counts` text;--> statement-breakpoint
-- Backfill: rows built before these columns existed are dropped; with no summary key stored, the first
-- view of each connection rebuilds them (db/queries/usage-summary.ts).
DELETE FROM `usage_period`;
