DROP INDEX `bj_participants_email_join`;--> statement-breakpoint
CREATE INDEX `bj_participants_guest_join` ON `bj_participants` (`connection_id`,`email`,`join_time`) WHERE user_id IS NULL;