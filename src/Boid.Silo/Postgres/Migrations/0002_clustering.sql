-- Boid schema 2: Orleans cluster membership (Microsoft.Orleans.Clustering.AdoNet 10.x contract).
-- One version row per deployment (cluster id): every membership change bumps it, and a change made
-- against a stale version changes nothing (optimistic concurrency, as the membership protocol needs).
-- SiloStatus values: 3 = Active, 6 = Dead. Times are timestamptz; connections run with TimeZone=UTC.
CREATE TABLE orleans_membership_version
(
    deployment_id text        NOT NULL PRIMARY KEY,
    version       integer     NOT NULL DEFAULT 0,
    changed_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE orleans_membership
(
    deployment_id   text        NOT NULL REFERENCES orleans_membership_version (deployment_id) ON DELETE CASCADE,
    address         text        NOT NULL,
    port            integer     NOT NULL,
    generation      integer     NOT NULL,
    silo_name       text        NOT NULL,
    host_name       text        NOT NULL,
    status          integer     NOT NULL,
    proxy_port      integer,
    suspect_times   text,
    start_time      timestamptz NOT NULL,
    i_am_alive_time timestamptz NOT NULL,
    PRIMARY KEY (deployment_id, address, port, generation)
);

INSERT INTO orleansquery (querykey, querytext) VALUES
('InsertMembershipVersionKey', $q$
WITH inserted AS (
    INSERT INTO orleans_membership_version (deployment_id) VALUES (@DeploymentId::text)
    ON CONFLICT (deployment_id) DO NOTHING
    RETURNING 1)
SELECT count(*)::int FROM inserted
$q$),
('InsertMembershipKey', $q$
WITH bumped AS (
    UPDATE orleans_membership_version v
    SET version = v.version + 1, changed_at = now()
    WHERE v.deployment_id = @DeploymentId::text AND v.version = @Version::int
      AND NOT EXISTS (SELECT 1 FROM orleans_membership m
                      WHERE m.deployment_id = @DeploymentId::text AND m.address = @Address::text
                        AND m.port = @Port::int AND m.generation = @Generation::int)
    RETURNING v.deployment_id),
inserted AS (
    INSERT INTO orleans_membership (deployment_id, address, port, generation, silo_name, host_name, status,
                                    proxy_port, start_time, i_am_alive_time)
    SELECT b.deployment_id, @Address::text, @Port::int, @Generation::int, @SiloName::text, @HostName::text,
           @Status::int, @ProxyPort::int, @StartTime::timestamptz, @IAmAliveTime::timestamptz
    FROM bumped b
    ON CONFLICT DO NOTHING
    RETURNING 1)
SELECT count(*)::int FROM inserted
$q$),
('UpdateMembershipKey', $q$
WITH bumped AS (
    UPDATE orleans_membership_version v
    SET version = v.version + 1, changed_at = now()
    WHERE v.deployment_id = @DeploymentId::text AND v.version = @Version::int
    RETURNING v.deployment_id),
updated AS (
    UPDATE orleans_membership m
    SET status = @Status::int, suspect_times = @SuspectTimes::text, i_am_alive_time = @IAmAliveTime::timestamptz
    FROM bumped b
    WHERE m.deployment_id = b.deployment_id AND m.address = @Address::text
      AND m.port = @Port::int AND m.generation = @Generation::int
    RETURNING 1)
SELECT count(*)::int FROM updated
$q$),
('UpdateIAmAlivetimeKey', $q$
UPDATE orleans_membership
SET i_am_alive_time = @IAmAliveTime::timestamptz
WHERE deployment_id = @DeploymentId::text AND address = @Address::text
  AND port = @Port::int AND generation = @Generation::int
$q$),
('MembershipReadRowKey', $q$
SELECT v.deployment_id AS "DeploymentId", m.address AS "Address", m.port AS "Port", m.generation AS "Generation",
       m.silo_name AS "SiloName", m.host_name AS "HostName", m.status AS "Status", m.proxy_port AS "ProxyPort",
       m.suspect_times AS "SuspectTimes", m.start_time AS "StartTime", m.i_am_alive_time AS "IAmAliveTime",
       v.version AS "Version"
FROM orleans_membership_version v
LEFT JOIN orleans_membership m
       ON m.deployment_id = v.deployment_id AND m.address = @Address::text
      AND m.port = @Port::int AND m.generation = @Generation::int
WHERE v.deployment_id = @DeploymentId::text
$q$),
('MembershipReadAllKey', $q$
SELECT v.deployment_id AS "DeploymentId", m.address AS "Address", m.port AS "Port", m.generation AS "Generation",
       m.silo_name AS "SiloName", m.host_name AS "HostName", m.status AS "Status", m.proxy_port AS "ProxyPort",
       m.suspect_times AS "SuspectTimes", m.start_time AS "StartTime", m.i_am_alive_time AS "IAmAliveTime",
       v.version AS "Version"
FROM orleans_membership_version v
LEFT JOIN orleans_membership m ON m.deployment_id = v.deployment_id
WHERE v.deployment_id = @DeploymentId::text
$q$),
('GatewaysQueryKey', $q$
SELECT address AS "Address", proxy_port AS "ProxyPort", generation AS "Generation"
FROM orleans_membership
WHERE deployment_id = @DeploymentId::text AND status = @Status::int AND proxy_port > 0
$q$),
('DeleteMembershipTableEntriesKey', $q$
DELETE FROM orleans_membership WHERE deployment_id = @DeploymentId::text;
DELETE FROM orleans_membership_version WHERE deployment_id = @DeploymentId::text
$q$),
('CleanupDefunctSiloEntriesKey', $q$
DELETE FROM orleans_membership
WHERE deployment_id = @DeploymentId::text AND status = 6 AND i_am_alive_time < @IAmAliveTime::timestamptz
$q$),
('CleanupDefunctSiloEntryKey', $q$
DELETE FROM orleans_membership
WHERE deployment_id = @DeploymentId::text AND address = @Address::text AND port = @Port::int
  AND generation = @Generation::int AND status = 6
  AND suspect_times IS NOT DISTINCT FROM @SuspectTimes::text
$q$)
ON CONFLICT (querykey) DO UPDATE SET querytext = EXCLUDED.querytext;
