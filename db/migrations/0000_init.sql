CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`org_id` text NOT NULL,
	`connection_id` text,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`detail` text DEFAULT '{}' NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_org_at` ON `audit_log` (`org_id`,`at`);--> statement-breakpoint
CREATE INDEX `audit_connection_at` ON `audit_log` (`connection_id`,`at`);--> statement-breakpoint
CREATE TABLE `bj_daily_usage` (
	`connection_id` text NOT NULL,
	`day` text NOT NULL,
	`active_users` integer,
	`num_meetings` integer,
	`num_endpoints` integer,
	`endpoint_minutes` integer,
	`synced_at` integer NOT NULL,
	PRIMARY KEY(`connection_id`, `day`),
	FOREIGN KEY (`connection_id`) REFERENCES `connections`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `bj_meeting_history` (
	`connection_id` text NOT NULL,
	`meeting_guid` text NOT NULL,
	`meeting_uuid` text,
	`leader_user_id` text,
	`leader_email` text,
	`start_time` integer NOT NULL,
	`duration_minutes` integer DEFAULT 0 NOT NULL,
	`max_participants` integer DEFAULT 0 NOT NULL,
	`total_participant_minutes` integer DEFAULT 0 NOT NULL,
	`dialout_minutes` integer DEFAULT 0 NOT NULL,
	`toll_free_minutes` integer DEFAULT 0 NOT NULL,
	`did_minutes` integer DEFAULT 0 NOT NULL,
	`pstn_only` integer DEFAULT false NOT NULL,
	`synced_at` integer NOT NULL,
	PRIMARY KEY(`connection_id`, `meeting_guid`),
	FOREIGN KEY (`connection_id`) REFERENCES `connections`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `bj_history_leader_start` ON `bj_meeting_history` (`connection_id`,`leader_email`,`start_time`);--> statement-breakpoint
CREATE TABLE `bj_meetings` (
	`connection_id` text NOT NULL,
	`meeting_uuid` text NOT NULL,
	`meeting_id` text,
	`host_user_name` text,
	`host_email` text,
	`title` text,
	`start_time` integer NOT NULL,
	`end_time` integer,
	`total_call_seconds` integer DEFAULT 0 NOT NULL,
	`endpoints_count` integer DEFAULT 0 NOT NULL,
	`concurrent_endpoints` integer DEFAULT 0 NOT NULL,
	`invitee_count` integer DEFAULT 0 NOT NULL,
	`recording` integer DEFAULT false NOT NULL,
	`live_recording` integer DEFAULT false NOT NULL,
	`content_share` integer DEFAULT false NOT NULL,
	`video_share` integer DEFAULT false NOT NULL,
	`large_meeting` integer DEFAULT false NOT NULL,
	`personal` integer DEFAULT false NOT NULL,
	`moderator_less` integer DEFAULT false NOT NULL,
	`pstn` integer DEFAULT false NOT NULL,
	`scheduled_from` text,
	`synced_at` integer NOT NULL,
	PRIMARY KEY(`connection_id`, `meeting_uuid`),
	FOREIGN KEY (`connection_id`) REFERENCES `connections`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `bj_meetings_host_start` ON `bj_meetings` (`connection_id`,`host_email`,`start_time`);--> statement-breakpoint
CREATE INDEX `bj_meetings_start` ON `bj_meetings` (`connection_id`,`start_time`);--> statement-breakpoint
CREATE TABLE `bj_participants` (
	`connection_id` text NOT NULL,
	`meeting_guid` text NOT NULL,
	`participant_key` text NOT NULL,
	`user_id` text,
	`email` text,
	`minutes` integer DEFAULT 0 NOT NULL,
	`device_type` text,
	`join_time` integer,
	`disconnect_time` integer,
	`is_moderator` integer DEFAULT false NOT NULL,
	PRIMARY KEY(`connection_id`, `meeting_guid`, `participant_key`),
	FOREIGN KEY (`connection_id`) REFERENCES `connections`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `bj_participants_email_join` ON `bj_participants` (`connection_id`,`email`,`join_time`);--> statement-breakpoint
CREATE INDEX `bj_participants_user_join` ON `bj_participants` (`connection_id`,`user_id`,`join_time`);--> statement-breakpoint
CREATE TABLE `bj_users` (
	`connection_id` text NOT NULL,
	`user_id` text NOT NULL,
	`username` text NOT NULL,
	`first_name` text,
	`last_name` text,
	`email` text,
	`is_enterprise_admin` integer DEFAULT false NOT NULL,
	`enterprise_join_date` integer,
	`first_seen_at` integer NOT NULL,
	`last_listed_at` integer NOT NULL,
	`removed_at` integer,
	`last_active_at` integer,
	PRIMARY KEY(`connection_id`, `user_id`),
	FOREIGN KEY (`connection_id`) REFERENCES `connections`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `bj_users_email` ON `bj_users` (`connection_id`,`email`);--> statement-breakpoint
CREATE INDEX `bj_users_last_active` ON `bj_users` (`connection_id`,`last_active_at`);--> statement-breakpoint
CREATE INDEX `bj_users_username` ON `bj_users` (`connection_id`,`username`);--> statement-breakpoint
CREATE TABLE `connection_tokens` (
	`connection_id` text PRIMARY KEY NOT NULL,
	`sealed_token` text NOT NULL,
	`expires_at` integer NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`connection_id`) REFERENCES `connections`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `connections` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`vendor` text NOT NULL,
	`state` text DEFAULT 'disconnected' NOT NULL,
	`auth_method` text,
	`sealed_credentials` text,
	`public_config` text DEFAULT '{}' NOT NULL,
	`enterprise_id` text,
	`enterprise_name` text,
	`last_error` text,
	`last_error_at` integer,
	`consecutive_failures` integer DEFAULT 0 NOT NULL,
	`next_sync_at` integer,
	`last_sync_started_at` integer,
	`last_synced_at` integer,
	`data_as_of` integer,
	`connected_at` integer,
	`version` integer DEFAULT 0 NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `connections_org_vendor` ON `connections` (`org_id`,`vendor`);--> statement-breakpoint
CREATE INDEX `connections_due` ON `connections` (`state`,`next_sync_at`);--> statement-breakpoint
CREATE TABLE `cron_heartbeats` (
	`cron` text PRIMARY KEY NOT NULL,
	`last_run_at` integer NOT NULL,
	`runs` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `invites` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`email` text NOT NULL,
	`token_hash` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	`revoked_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `invites_token_hash` ON `invites` (`token_hash`);--> statement-breakpoint
CREATE INDEX `invites_org` ON `invites` (`org_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `leases` (
	`key` text PRIMARY KEY NOT NULL,
	`holder` text NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `oauth_states` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`connection_id` text,
	`redirect_uri` text NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `organizations` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`inactive_after_days` integer DEFAULT 30 NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `sync_checkpoints` (
	`connection_id` text NOT NULL,
	`stream` text NOT NULL,
	`run_id` text,
	`cursor` text NOT NULL,
	`high_water` integer,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`connection_id`, `stream`),
	FOREIGN KEY (`connection_id`) REFERENCES `connections`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `sync_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`connection_id` text NOT NULL,
	`trigger` text NOT NULL,
	`status` text DEFAULT 'running' NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	`slices` integer DEFAULT 0 NOT NULL,
	`requests` integer DEFAULT 0 NOT NULL,
	`stats` text DEFAULT '{}' NOT NULL,
	`error` text,
	FOREIGN KEY (`connection_id`) REFERENCES `connections`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `sync_runs_connection_started` ON `sync_runs` (`connection_id`,`started_at`);