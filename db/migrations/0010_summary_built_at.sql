ALTER TABLE `usage_state` ADD `summary_built_at` integer;--> statement-breakpoint
-- Summaries built before this column: built long ago (so a running sync refreshes them at once).
UPDATE `usage_state` SET `summary_built_at` = 0 WHERE `period_version` IS NOT NULL;
