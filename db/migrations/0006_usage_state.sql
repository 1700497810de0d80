CREATE TABLE `usage_period` (
	`connection_id` text NOT NULL,
	`user_id` text NOT NULL,
	`meetings_hosted` integer DEFAULT 0 NOT NULL,
	`meetings_attended` integer DEFAULT 0 NOT NULL,
	`participant_minutes` integer DEFAULT 0 NOT NULL,
	`f_recording` integer DEFAULT 0 NOT NULL,
	`f_content_share` integer DEFAULT 0 NOT NULL,
	`f_video_share` integer DEFAULT 0 NOT NULL,
	`f_pstn` integer DEFAULT 0 NOT NULL,
	`f_large_meeting` integer DEFAULT 0 NOT NULL,
	`f_personal` integer DEFAULT 0 NOT NULL,
	`last_at` integer,
	PRIMARY KEY(`connection_id`, `user_id`),
	FOREIGN KEY (`connection_id`) REFERENCES `connections`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `usage_recomputed` (
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
	PRIMARY KEY(`connection_id`, `kind`, `subject`, `day`)
);
--> statement-breakpoint
CREATE TABLE `usage_state` (
	`connection_id` text PRIMARY KEY NOT NULL,
	`data_version` integer DEFAULT 0 NOT NULL,
	`pending` integer DEFAULT 0 NOT NULL,
	`period_days` integer,
	`period_to_day` integer,
	`period_version` integer,
	FOREIGN KEY (`connection_id`) REFERENCES `connections`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
-- Backfill: every existing connection starts at data version 0 (its period is built on first view).
INSERT OR IGNORE INTO `usage_state` (`connection_id`) SELECT `id` FROM `connections`;
