ALTER TABLE `reclaim_jobs` ADD `turn` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `reclaim_jobs` ADD `turn_due_at` integer;