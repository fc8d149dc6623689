-- Boid schema 4: Orleans reminders (Microsoft.Orleans.Reminders.AdoNet 10.x contract).
-- grain_hash is the grain's uniform hash as a signed int; the reminder service reads the ring range
-- it owns with ReadRangeRows1Key (begin < end) or ReadRangeRows2Key (the range wraps around).
-- period is in milliseconds.
CREATE TABLE orleans_reminders
(
    service_id    text        NOT NULL,
    grain_id      text        NOT NULL,
    reminder_name text        NOT NULL,
    start_time    timestamptz NOT NULL,
    period        bigint      NOT NULL,
    grain_hash    integer     NOT NULL,
    version       integer     NOT NULL,
    PRIMARY KEY (service_id, grain_id, reminder_name)
);
CREATE INDEX orleans_reminders_by_hash ON orleans_reminders (service_id, grain_hash);

INSERT INTO orleansquery (querykey, querytext) VALUES
('UpsertReminderRowKey', $q$
INSERT INTO orleans_reminders (service_id, grain_id, reminder_name, start_time, period, grain_hash, version)
VALUES (@ServiceId::text, @GrainId::text, @ReminderName::text, @StartTime::timestamptz, @Period::bigint, @GrainHash::int, 0)
ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE
SET start_time = EXCLUDED.start_time, period = EXCLUDED.period, grain_hash = EXCLUDED.grain_hash,
    version = orleans_reminders.version + 1
RETURNING version AS "Version"
$q$),
('ReadReminderRowsKey', $q$
SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime", period AS "Period", version AS "Version"
FROM orleans_reminders
WHERE service_id = @ServiceId::text AND grain_id = @GrainId::text
$q$),
('ReadReminderRowKey', $q$
SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime", period AS "Period", version AS "Version"
FROM orleans_reminders
WHERE service_id = @ServiceId::text AND grain_id = @GrainId::text AND reminder_name = @ReminderName::text
$q$),
('ReadRangeRows1Key', $q$
SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime", period AS "Period", version AS "Version"
FROM orleans_reminders
WHERE service_id = @ServiceId::text AND grain_hash > @BeginHash::int AND grain_hash <= @EndHash::int
$q$),
('ReadRangeRows2Key', $q$
SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime", period AS "Period", version AS "Version"
FROM orleans_reminders
WHERE service_id = @ServiceId::text AND (grain_hash > @BeginHash::int OR grain_hash <= @EndHash::int)
$q$),
('DeleteReminderRowKey', $q$
WITH deleted AS (
    DELETE FROM orleans_reminders
    WHERE service_id = @ServiceId::text AND grain_id = @GrainId::text AND reminder_name = @ReminderName::text
      AND version = @Version::int
    RETURNING 1)
SELECT count(*)::int FROM deleted
$q$),
('DeleteReminderRowsKey', $q$
DELETE FROM orleans_reminders WHERE service_id = @ServiceId::text
$q$)
ON CONFLICT (querykey) DO UPDATE SET querytext = EXCLUDED.querytext;
