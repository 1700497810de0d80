CREATE TABLE `licence_settings` (
	`org_id` text PRIMARY KEY NOT NULL,
	`plan` text DEFAULT 'named_host' NOT NULL,
	`seat_price_minor` integer,
	`billing` text DEFAULT 'annual' NOT NULL,
	`currency` text DEFAULT 'USD' NOT NULL,
	`seats_purchased` integer,
	`renewal_date` text,
	`grace_days` integer DEFAULT 30 NOT NULL,
	`renewal_buffer` integer DEFAULT 10 NOT NULL,
	`exempt` text DEFAULT '[]' NOT NULL,
	`allow_removal` integer DEFAULT false NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_by` text,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `reclaim_items` (
	`job_id` text NOT NULL,
	`position` integer NOT NULL,
	`user_id` text NOT NULL,
	`email` text,
	`name` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`reason` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`attempted_at` integer,
	`done_at` integer,
	PRIMARY KEY(`job_id`, `user_id`),
	FOREIGN KEY (`job_id`) REFERENCES `reclaim_jobs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `reclaim_items_job_position` ON `reclaim_items` (`job_id`,`position`);--> statement-breakpoint
CREATE TABLE `reclaim_jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`connection_id` text NOT NULL,
	`status` text DEFAULT 'running' NOT NULL,
	`approved_by` text NOT NULL,
	`selection_hash` text NOT NULL,
	`total` integer NOT NULL,
	`stop_reason` text,
	`slices` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`finished_at` integer,
	FOREIGN KEY (`connection_id`) REFERENCES `connections`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `reclaim_jobs_connection_created` ON `reclaim_jobs` (`connection_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `reclaim_jobs_selection` ON `reclaim_jobs` (`connection_id`,`selection_hash`);--> statement-breakpoint
ALTER TABLE `bj_users` ADD `reclaimed_at` integer;--> statement-breakpoint
ALTER TABLE `bj_users` ADD `reclaimed_by` text;--> statement-breakpoint
ALTER TABLE `bj_users` ADD `reclaim_job_id` text;--> statement-breakpoint
INSERT INTO `licence_settings` (`org_id`) SELECT `id` FROM `organizations` WHERE true ON CONFLICT DO NOTHING;
