ALTER TABLE `usage_daily` ADD `source_rows` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Backfill: rebuild every rollup row from the raw rows, now with the count of raw rows behind it (the
-- query rollupFromScratch in db/queries/rollups.ts). The sums are what the recompute kept before.
DELETE FROM `usage_daily`;
--> statement-breakpoint
INSERT INTO `usage_daily` (connection_id, kind, subject, day, source_rows, meetings_hosted, hosted_minutes,
  meetings_attended, participant_minutes, pstn_minutes, f_recording, f_content_share, f_video_share, f_pstn,
  f_large_meeting, f_personal, last_at)
SELECT connection_id, kind, subject, day, count(*), sum(mh), sum(hm), sum(ma), sum(pm), sum(psm), sum(fr),
  sum(fc), sum(fv), sum(fp), sum(fl), sum(fpe), max(last_at)
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
--> statement-breakpoint
-- Nothing the pages show changes, but a rollup that had drifted would now read differently: new ETags.
UPDATE `usage_state` SET data_version = data_version + 1;
--> statement-breakpoint
-- From here on SQLite keeps the rollup itself: each raw row that contributes to a key adds its share
-- when it arrives, and when it changes or goes, its old share leaves its old key and its new share
-- joins its new key. The sums are linear, so this gives exactly what recomputing the key from its raw
-- rows gives; last_at (a max) is looked up again, by index, only when the row that held it moved on.
-- A key whose last raw row left is deleted (source_rows = 0). Triggers fire only when what a row
-- contributes changes, so a replayed page (new synced_at, same values) writes no rollup and counts no
-- change towards the data version (usage_state.pending, which the sync's batch opens and closes).
CREATE TRIGGER usage_meetings_insert AFTER INSERT ON bj_meetings
WHEN NEW.host_email IS NOT NULL
BEGIN
  INSERT INTO usage_daily (connection_id, kind, subject, day, source_rows, meetings_hosted, hosted_minutes, meetings_attended, participant_minutes, pstn_minutes, f_recording, f_content_share, f_video_share, f_pstn, f_large_meeting, f_personal, last_at)
  SELECT NEW.connection_id, 'e', NEW.host_email, NEW.start_time / 86400000, 1,
    1, 0, 0, 0, 0, (NEW.recording OR NEW.live_recording), NEW.content_share, NEW.video_share, NEW.pstn, NEW.large_meeting, NEW.personal, NEW.start_time
  WHERE NEW.host_email IS NOT NULL
  ON CONFLICT (connection_id, kind, subject, day) DO UPDATE SET source_rows = source_rows + 1,
    meetings_hosted = meetings_hosted + excluded.meetings_hosted,
    hosted_minutes = hosted_minutes + excluded.hosted_minutes,
    meetings_attended = meetings_attended + excluded.meetings_attended,
    participant_minutes = participant_minutes + excluded.participant_minutes,
    pstn_minutes = pstn_minutes + excluded.pstn_minutes,
    f_recording = f_recording + excluded.f_recording,
    f_content_share = f_content_share + excluded.f_content_share,
    f_video_share = f_video_share + excluded.f_video_share,
    f_pstn = f_pstn + excluded.f_pstn,
    f_large_meeting = f_large_meeting + excluded.f_large_meeting,
    f_personal = f_personal + excluded.f_personal,
    last_at = coalesce(max(last_at, excluded.last_at), last_at, excluded.last_at);
  UPDATE usage_state SET pending = pending + 1 WHERE connection_id = NEW.connection_id;
END;
--> statement-breakpoint
CREATE TRIGGER usage_meetings_update AFTER UPDATE OF host_email, start_time, recording, live_recording, content_share, video_share, pstn, large_meeting, personal ON bj_meetings
WHEN (OLD.host_email IS NOT NULL OR NEW.host_email IS NOT NULL)
  AND (OLD.host_email IS NOT NEW.host_email
    OR OLD.start_time / 86400000 IS NOT NEW.start_time / 86400000
    OR (OLD.recording OR OLD.live_recording) IS NOT (NEW.recording OR NEW.live_recording)
    OR OLD.content_share IS NOT NEW.content_share
    OR OLD.video_share IS NOT NEW.video_share
    OR OLD.pstn IS NOT NEW.pstn
    OR OLD.large_meeting IS NOT NEW.large_meeting
    OR OLD.personal IS NOT NEW.personal
    OR OLD.start_time IS NOT NEW.start_time)
BEGIN
  UPDATE usage_daily SET source_rows = source_rows - 1, meetings_hosted = meetings_hosted - 1, f_recording = f_recording - (OLD.recording OR OLD.live_recording), f_content_share = f_content_share - OLD.content_share, f_video_share = f_video_share - OLD.video_share, f_pstn = f_pstn - OLD.pstn, f_large_meeting = f_large_meeting - OLD.large_meeting, f_personal = f_personal - OLD.personal,
    last_at = CASE WHEN last_at = OLD.start_time AND NOT (NEW.host_email IS OLD.host_email AND NEW.start_time / 86400000 IS OLD.start_time / 86400000 AND NEW.start_time >= OLD.start_time) THEN (SELECT max(t) FROM (
        SELECT max(start_time) AS t FROM bj_meetings WHERE connection_id = OLD.connection_id
          AND host_email = usage_daily.subject AND start_time >= usage_daily.day * 86400000
          AND start_time < (usage_daily.day + 1) * 86400000
        UNION ALL
        SELECT max(join_time) FROM bj_participants WHERE connection_id = OLD.connection_id
          AND email = usage_daily.subject AND user_id IS NULL AND join_time >= usage_daily.day * 86400000
          AND join_time < (usage_daily.day + 1) * 86400000)) ELSE last_at END
  WHERE connection_id = OLD.connection_id AND kind = 'e' AND subject = OLD.host_email
    AND day = OLD.start_time / 86400000;
  INSERT INTO usage_daily (connection_id, kind, subject, day, source_rows, meetings_hosted, hosted_minutes, meetings_attended, participant_minutes, pstn_minutes, f_recording, f_content_share, f_video_share, f_pstn, f_large_meeting, f_personal, last_at)
  SELECT NEW.connection_id, 'e', NEW.host_email, NEW.start_time / 86400000, 1,
    1, 0, 0, 0, 0, (NEW.recording OR NEW.live_recording), NEW.content_share, NEW.video_share, NEW.pstn, NEW.large_meeting, NEW.personal, NEW.start_time
  WHERE NEW.host_email IS NOT NULL
  ON CONFLICT (connection_id, kind, subject, day) DO UPDATE SET source_rows = source_rows + 1,
    meetings_hosted = meetings_hosted + excluded.meetings_hosted,
    hosted_minutes = hosted_minutes + excluded.hosted_minutes,
    meetings_attended = meetings_attended + excluded.meetings_attended,
    participant_minutes = participant_minutes + excluded.participant_minutes,
    pstn_minutes = pstn_minutes + excluded.pstn_minutes,
    f_recording = f_recording + excluded.f_recording,
    f_content_share = f_content_share + excluded.f_content_share,
    f_video_share = f_video_share + excluded.f_video_share,
    f_pstn = f_pstn + excluded.f_pstn,
    f_large_meeting = f_large_meeting + excluded.f_large_meeting,
    f_personal = f_personal + excluded.f_personal,
    last_at = coalesce(max(last_at, excluded.last_at), last_at, excluded.last_at);
  DELETE FROM usage_daily WHERE connection_id = OLD.connection_id AND kind = 'e' AND subject = OLD.host_email
    AND day = OLD.start_time / 86400000 AND source_rows = 0;
  UPDATE usage_state SET pending = pending + 1 WHERE connection_id = NEW.connection_id;
END;
--> statement-breakpoint
CREATE TRIGGER usage_meetings_delete AFTER DELETE ON bj_meetings
WHEN OLD.host_email IS NOT NULL
BEGIN
  UPDATE usage_daily SET source_rows = source_rows - 1, meetings_hosted = meetings_hosted - 1, f_recording = f_recording - (OLD.recording OR OLD.live_recording), f_content_share = f_content_share - OLD.content_share, f_video_share = f_video_share - OLD.video_share, f_pstn = f_pstn - OLD.pstn, f_large_meeting = f_large_meeting - OLD.large_meeting, f_personal = f_personal - OLD.personal,
    last_at = CASE WHEN last_at = OLD.start_time THEN (SELECT max(t) FROM (
        SELECT max(start_time) AS t FROM bj_meetings WHERE connection_id = OLD.connection_id
          AND host_email = usage_daily.subject AND start_time >= usage_daily.day * 86400000
          AND start_time < (usage_daily.day + 1) * 86400000
        UNION ALL
        SELECT max(join_time) FROM bj_participants WHERE connection_id = OLD.connection_id
          AND email = usage_daily.subject AND user_id IS NULL AND join_time >= usage_daily.day * 86400000
          AND join_time < (usage_daily.day + 1) * 86400000)) ELSE last_at END
  WHERE connection_id = OLD.connection_id AND kind = 'e' AND subject = OLD.host_email
    AND day = OLD.start_time / 86400000;
  UPDATE usage_state SET pending = pending + 1 WHERE connection_id = OLD.connection_id AND changes() > 0;
  DELETE FROM usage_daily WHERE connection_id = OLD.connection_id AND kind = 'e' AND subject = OLD.host_email
    AND day = OLD.start_time / 86400000 AND source_rows = 0;
END;
--> statement-breakpoint
CREATE TRIGGER usage_history_insert AFTER INSERT ON bj_meeting_history
WHEN coalesce(NEW.leader_user_id, NEW.leader_email) IS NOT NULL
BEGIN
  INSERT INTO usage_daily (connection_id, kind, subject, day, source_rows, meetings_hosted, hosted_minutes, meetings_attended, participant_minutes, pstn_minutes, f_recording, f_content_share, f_video_share, f_pstn, f_large_meeting, f_personal, last_at)
  SELECT NEW.connection_id, CASE WHEN NEW.leader_user_id IS NOT NULL THEN 'u' ELSE 'e' END, coalesce(NEW.leader_user_id, NEW.leader_email), NEW.start_time / 86400000, 1,
    0, NEW.duration_minutes, 0, 0, NEW.dialout_minutes + NEW.toll_free_minutes + NEW.did_minutes, 0, 0, 0, 0, 0, 0, NULL
  WHERE coalesce(NEW.leader_user_id, NEW.leader_email) IS NOT NULL
  ON CONFLICT (connection_id, kind, subject, day) DO UPDATE SET source_rows = source_rows + 1,
    meetings_hosted = meetings_hosted + excluded.meetings_hosted,
    hosted_minutes = hosted_minutes + excluded.hosted_minutes,
    meetings_attended = meetings_attended + excluded.meetings_attended,
    participant_minutes = participant_minutes + excluded.participant_minutes,
    pstn_minutes = pstn_minutes + excluded.pstn_minutes,
    f_recording = f_recording + excluded.f_recording,
    f_content_share = f_content_share + excluded.f_content_share,
    f_video_share = f_video_share + excluded.f_video_share,
    f_pstn = f_pstn + excluded.f_pstn,
    f_large_meeting = f_large_meeting + excluded.f_large_meeting,
    f_personal = f_personal + excluded.f_personal,
    last_at = coalesce(max(last_at, excluded.last_at), last_at, excluded.last_at);
  UPDATE usage_state SET pending = pending + 1 WHERE connection_id = NEW.connection_id;
END;
--> statement-breakpoint
CREATE TRIGGER usage_history_update AFTER UPDATE OF leader_user_id, leader_email, start_time, duration_minutes, dialout_minutes, toll_free_minutes, did_minutes ON bj_meeting_history
WHEN (coalesce(OLD.leader_user_id, OLD.leader_email) IS NOT NULL OR coalesce(NEW.leader_user_id, NEW.leader_email) IS NOT NULL)
  AND (CASE WHEN OLD.leader_user_id IS NOT NULL THEN 'u' ELSE 'e' END IS NOT CASE WHEN NEW.leader_user_id IS NOT NULL THEN 'u' ELSE 'e' END
    OR coalesce(OLD.leader_user_id, OLD.leader_email) IS NOT coalesce(NEW.leader_user_id, NEW.leader_email)
    OR OLD.start_time / 86400000 IS NOT NEW.start_time / 86400000
    OR OLD.duration_minutes IS NOT NEW.duration_minutes
    OR OLD.dialout_minutes + OLD.toll_free_minutes + OLD.did_minutes IS NOT NEW.dialout_minutes + NEW.toll_free_minutes + NEW.did_minutes)
BEGIN
  UPDATE usage_daily SET source_rows = source_rows - 1, hosted_minutes = hosted_minutes - OLD.duration_minutes, pstn_minutes = pstn_minutes - (OLD.dialout_minutes + OLD.toll_free_minutes + OLD.did_minutes)
  WHERE connection_id = OLD.connection_id AND kind = CASE WHEN OLD.leader_user_id IS NOT NULL THEN 'u' ELSE 'e' END AND subject = coalesce(OLD.leader_user_id, OLD.leader_email)
    AND day = OLD.start_time / 86400000;
  INSERT INTO usage_daily (connection_id, kind, subject, day, source_rows, meetings_hosted, hosted_minutes, meetings_attended, participant_minutes, pstn_minutes, f_recording, f_content_share, f_video_share, f_pstn, f_large_meeting, f_personal, last_at)
  SELECT NEW.connection_id, CASE WHEN NEW.leader_user_id IS NOT NULL THEN 'u' ELSE 'e' END, coalesce(NEW.leader_user_id, NEW.leader_email), NEW.start_time / 86400000, 1,
    0, NEW.duration_minutes, 0, 0, NEW.dialout_minutes + NEW.toll_free_minutes + NEW.did_minutes, 0, 0, 0, 0, 0, 0, NULL
  WHERE coalesce(NEW.leader_user_id, NEW.leader_email) IS NOT NULL
  ON CONFLICT (connection_id, kind, subject, day) DO UPDATE SET source_rows = source_rows + 1,
    meetings_hosted = meetings_hosted + excluded.meetings_hosted,
    hosted_minutes = hosted_minutes + excluded.hosted_minutes,
    meetings_attended = meetings_attended + excluded.meetings_attended,
    participant_minutes = participant_minutes + excluded.participant_minutes,
    pstn_minutes = pstn_minutes + excluded.pstn_minutes,
    f_recording = f_recording + excluded.f_recording,
    f_content_share = f_content_share + excluded.f_content_share,
    f_video_share = f_video_share + excluded.f_video_share,
    f_pstn = f_pstn + excluded.f_pstn,
    f_large_meeting = f_large_meeting + excluded.f_large_meeting,
    f_personal = f_personal + excluded.f_personal,
    last_at = coalesce(max(last_at, excluded.last_at), last_at, excluded.last_at);
  DELETE FROM usage_daily WHERE connection_id = OLD.connection_id AND kind = CASE WHEN OLD.leader_user_id IS NOT NULL THEN 'u' ELSE 'e' END AND subject = coalesce(OLD.leader_user_id, OLD.leader_email)
    AND day = OLD.start_time / 86400000 AND source_rows = 0;
  UPDATE usage_state SET pending = pending + 1 WHERE connection_id = NEW.connection_id;
END;
--> statement-breakpoint
CREATE TRIGGER usage_history_delete AFTER DELETE ON bj_meeting_history
WHEN coalesce(OLD.leader_user_id, OLD.leader_email) IS NOT NULL
BEGIN
  UPDATE usage_daily SET source_rows = source_rows - 1, hosted_minutes = hosted_minutes - OLD.duration_minutes, pstn_minutes = pstn_minutes - (OLD.dialout_minutes + OLD.toll_free_minutes + OLD.did_minutes)
  WHERE connection_id = OLD.connection_id AND kind = CASE WHEN OLD.leader_user_id IS NOT NULL THEN 'u' ELSE 'e' END AND subject = coalesce(OLD.leader_user_id, OLD.leader_email)
    AND day = OLD.start_time / 86400000;
  UPDATE usage_state SET pending = pending + 1 WHERE connection_id = OLD.connection_id AND changes() > 0;
  DELETE FROM usage_daily WHERE connection_id = OLD.connection_id AND kind = CASE WHEN OLD.leader_user_id IS NOT NULL THEN 'u' ELSE 'e' END AND subject = coalesce(OLD.leader_user_id, OLD.leader_email)
    AND day = OLD.start_time / 86400000 AND source_rows = 0;
END;
--> statement-breakpoint
CREATE TRIGGER usage_participants_insert AFTER INSERT ON bj_participants
WHEN NEW.join_time IS NOT NULL AND coalesce(NEW.user_id, NEW.email) IS NOT NULL
BEGIN
  INSERT INTO usage_daily (connection_id, kind, subject, day, source_rows, meetings_hosted, hosted_minutes, meetings_attended, participant_minutes, pstn_minutes, f_recording, f_content_share, f_video_share, f_pstn, f_large_meeting, f_personal, last_at)
  SELECT NEW.connection_id, CASE WHEN NEW.user_id IS NOT NULL THEN 'u' ELSE 'e' END, coalesce(NEW.user_id, NEW.email), NEW.join_time / 86400000, 1,
    0, 0, 1, NEW.minutes, 0, 0, 0, 0, 0, 0, 0, NEW.join_time
  WHERE NEW.join_time IS NOT NULL AND coalesce(NEW.user_id, NEW.email) IS NOT NULL
  ON CONFLICT (connection_id, kind, subject, day) DO UPDATE SET source_rows = source_rows + 1,
    meetings_hosted = meetings_hosted + excluded.meetings_hosted,
    hosted_minutes = hosted_minutes + excluded.hosted_minutes,
    meetings_attended = meetings_attended + excluded.meetings_attended,
    participant_minutes = participant_minutes + excluded.participant_minutes,
    pstn_minutes = pstn_minutes + excluded.pstn_minutes,
    f_recording = f_recording + excluded.f_recording,
    f_content_share = f_content_share + excluded.f_content_share,
    f_video_share = f_video_share + excluded.f_video_share,
    f_pstn = f_pstn + excluded.f_pstn,
    f_large_meeting = f_large_meeting + excluded.f_large_meeting,
    f_personal = f_personal + excluded.f_personal,
    last_at = coalesce(max(last_at, excluded.last_at), last_at, excluded.last_at);
  UPDATE usage_state SET pending = pending + 1 WHERE connection_id = NEW.connection_id;
END;
--> statement-breakpoint
CREATE TRIGGER usage_participants_update AFTER UPDATE OF user_id, email, minutes, join_time ON bj_participants
WHEN (OLD.join_time IS NOT NULL AND coalesce(OLD.user_id, OLD.email) IS NOT NULL OR NEW.join_time IS NOT NULL AND coalesce(NEW.user_id, NEW.email) IS NOT NULL)
  AND (CASE WHEN OLD.user_id IS NOT NULL THEN 'u' ELSE 'e' END IS NOT CASE WHEN NEW.user_id IS NOT NULL THEN 'u' ELSE 'e' END
    OR coalesce(OLD.user_id, OLD.email) IS NOT coalesce(NEW.user_id, NEW.email)
    OR OLD.join_time / 86400000 IS NOT NEW.join_time / 86400000
    OR OLD.minutes IS NOT NEW.minutes
    OR OLD.join_time IS NOT NEW.join_time)
BEGIN
  UPDATE usage_daily SET source_rows = source_rows - 1, meetings_attended = meetings_attended - 1, participant_minutes = participant_minutes - OLD.minutes,
    last_at = CASE WHEN last_at = OLD.join_time AND NOT (CASE WHEN NEW.user_id IS NOT NULL THEN 'u' ELSE 'e' END = CASE WHEN OLD.user_id IS NOT NULL THEN 'u' ELSE 'e' END AND coalesce(NEW.user_id, NEW.email) IS coalesce(OLD.user_id, OLD.email) AND NEW.join_time / 86400000 IS OLD.join_time / 86400000 AND NEW.join_time >= OLD.join_time) THEN CASE WHEN OLD.user_id IS NOT NULL THEN (SELECT max(join_time) FROM bj_participants WHERE connection_id = OLD.connection_id
        AND user_id = usage_daily.subject AND join_time >= usage_daily.day * 86400000
        AND join_time < (usage_daily.day + 1) * 86400000) ELSE (SELECT max(t) FROM (
        SELECT max(start_time) AS t FROM bj_meetings WHERE connection_id = OLD.connection_id
          AND host_email = usage_daily.subject AND start_time >= usage_daily.day * 86400000
          AND start_time < (usage_daily.day + 1) * 86400000
        UNION ALL
        SELECT max(join_time) FROM bj_participants WHERE connection_id = OLD.connection_id
          AND email = usage_daily.subject AND user_id IS NULL AND join_time >= usage_daily.day * 86400000
          AND join_time < (usage_daily.day + 1) * 86400000)) END ELSE last_at END
  WHERE connection_id = OLD.connection_id AND kind = CASE WHEN OLD.user_id IS NOT NULL THEN 'u' ELSE 'e' END AND subject = coalesce(OLD.user_id, OLD.email)
    AND day = OLD.join_time / 86400000;
  INSERT INTO usage_daily (connection_id, kind, subject, day, source_rows, meetings_hosted, hosted_minutes, meetings_attended, participant_minutes, pstn_minutes, f_recording, f_content_share, f_video_share, f_pstn, f_large_meeting, f_personal, last_at)
  SELECT NEW.connection_id, CASE WHEN NEW.user_id IS NOT NULL THEN 'u' ELSE 'e' END, coalesce(NEW.user_id, NEW.email), NEW.join_time / 86400000, 1,
    0, 0, 1, NEW.minutes, 0, 0, 0, 0, 0, 0, 0, NEW.join_time
  WHERE NEW.join_time IS NOT NULL AND coalesce(NEW.user_id, NEW.email) IS NOT NULL
  ON CONFLICT (connection_id, kind, subject, day) DO UPDATE SET source_rows = source_rows + 1,
    meetings_hosted = meetings_hosted + excluded.meetings_hosted,
    hosted_minutes = hosted_minutes + excluded.hosted_minutes,
    meetings_attended = meetings_attended + excluded.meetings_attended,
    participant_minutes = participant_minutes + excluded.participant_minutes,
    pstn_minutes = pstn_minutes + excluded.pstn_minutes,
    f_recording = f_recording + excluded.f_recording,
    f_content_share = f_content_share + excluded.f_content_share,
    f_video_share = f_video_share + excluded.f_video_share,
    f_pstn = f_pstn + excluded.f_pstn,
    f_large_meeting = f_large_meeting + excluded.f_large_meeting,
    f_personal = f_personal + excluded.f_personal,
    last_at = coalesce(max(last_at, excluded.last_at), last_at, excluded.last_at);
  DELETE FROM usage_daily WHERE connection_id = OLD.connection_id AND kind = CASE WHEN OLD.user_id IS NOT NULL THEN 'u' ELSE 'e' END AND subject = coalesce(OLD.user_id, OLD.email)
    AND day = OLD.join_time / 86400000 AND source_rows = 0;
  UPDATE usage_state SET pending = pending + 1 WHERE connection_id = NEW.connection_id;
END;
--> statement-breakpoint
CREATE TRIGGER usage_participants_delete AFTER DELETE ON bj_participants
WHEN OLD.join_time IS NOT NULL AND coalesce(OLD.user_id, OLD.email) IS NOT NULL
BEGIN
  UPDATE usage_daily SET source_rows = source_rows - 1, meetings_attended = meetings_attended - 1, participant_minutes = participant_minutes - OLD.minutes,
    last_at = CASE WHEN last_at = OLD.join_time THEN CASE WHEN OLD.user_id IS NOT NULL THEN (SELECT max(join_time) FROM bj_participants WHERE connection_id = OLD.connection_id
        AND user_id = usage_daily.subject AND join_time >= usage_daily.day * 86400000
        AND join_time < (usage_daily.day + 1) * 86400000) ELSE (SELECT max(t) FROM (
        SELECT max(start_time) AS t FROM bj_meetings WHERE connection_id = OLD.connection_id
          AND host_email = usage_daily.subject AND start_time >= usage_daily.day * 86400000
          AND start_time < (usage_daily.day + 1) * 86400000
        UNION ALL
        SELECT max(join_time) FROM bj_participants WHERE connection_id = OLD.connection_id
          AND email = usage_daily.subject AND user_id IS NULL AND join_time >= usage_daily.day * 86400000
          AND join_time < (usage_daily.day + 1) * 86400000)) END ELSE last_at END
  WHERE connection_id = OLD.connection_id AND kind = CASE WHEN OLD.user_id IS NOT NULL THEN 'u' ELSE 'e' END AND subject = coalesce(OLD.user_id, OLD.email)
    AND day = OLD.join_time / 86400000;
  UPDATE usage_state SET pending = pending + 1 WHERE connection_id = OLD.connection_id AND changes() > 0;
  DELETE FROM usage_daily WHERE connection_id = OLD.connection_id AND kind = CASE WHEN OLD.user_id IS NOT NULL THEN 'u' ELSE 'e' END AND subject = coalesce(OLD.user_id, OLD.email)
    AND day = OLD.join_time / 86400000 AND source_rows = 0;
END;
