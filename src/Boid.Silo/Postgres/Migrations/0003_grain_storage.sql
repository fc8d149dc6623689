-- Boid schema 3: Orleans grain state (Microsoft.Orleans.Persistence.AdoNet 10.x contract).
-- One row per (service, grain type, grain id). The payload is the grain storage serializer's output
-- (Orleans' binary serializer in Boid). Orleans sends only the parameters it has: a query that names
-- one it does not send (say @PayloadJson) fails, as PostgreSQL reads "@x" as an operator on a column.
-- "version" is the ETag: a write carries
-- the version it read and succeeds only against it, so two activations of one grain (a split brain
-- during a failover) cannot both win.
CREATE TABLE orleans_grain_state
(
    service_id      text        NOT NULL,
    grain_type_hash integer     NOT NULL,
    grain_type      text        NOT NULL,
    grain_id_hash   integer     NOT NULL,
    grain_id_n0     bigint      NOT NULL,
    grain_id_n1     bigint      NOT NULL,
    grain_id_ext    text        NOT NULL DEFAULT '',
    payload_binary  bytea,
    version         integer     NOT NULL,
    modified_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (service_id, grain_type_hash, grain_id_hash, grain_id_n0, grain_id_n1, grain_type, grain_id_ext)
);

INSERT INTO orleansquery (querykey, querytext) VALUES
('ReadFromStorageKey', $q$
SELECT payload_binary AS "PayloadBinary", NULL::text AS "PayloadXml", NULL::text AS "PayloadJson",
       modified_at AS "ModifiedOn", version AS "Version"
FROM orleans_grain_state
WHERE service_id = @ServiceId::text AND grain_type_hash = @GrainTypeHash::int AND grain_type = @GrainTypeString::text
  AND grain_id_hash = @GrainIdHash::int AND grain_id_n0 = @GrainIdN0::bigint AND grain_id_n1 = @GrainIdN1::bigint
  AND grain_id_ext = COALESCE(@GrainIdExtensionString::text, '')
$q$),
('WriteToStorageKey', $q$
WITH updated AS (
    UPDATE orleans_grain_state
    SET payload_binary = @PayloadBinary::bytea, version = version + 1, modified_at = now()
    WHERE @GrainStateVersion::int IS NOT NULL AND version = @GrainStateVersion::int
      AND service_id = @ServiceId::text AND grain_type_hash = @GrainTypeHash::int AND grain_type = @GrainTypeString::text
      AND grain_id_hash = @GrainIdHash::int AND grain_id_n0 = @GrainIdN0::bigint AND grain_id_n1 = @GrainIdN1::bigint
      AND grain_id_ext = COALESCE(@GrainIdExtensionString::text, '')
    RETURNING version),
inserted AS (
    INSERT INTO orleans_grain_state (service_id, grain_type_hash, grain_type, grain_id_hash, grain_id_n0, grain_id_n1,
                                     grain_id_ext, payload_binary, version)
    SELECT @ServiceId::text, @GrainTypeHash::int, @GrainTypeString::text, @GrainIdHash::int, @GrainIdN0::bigint,
           @GrainIdN1::bigint, COALESCE(@GrainIdExtensionString::text, ''), @PayloadBinary::bytea, 1
    WHERE @GrainStateVersion::int IS NULL
    ON CONFLICT DO NOTHING
    RETURNING version)
SELECT COALESCE((SELECT version FROM updated), (SELECT version FROM inserted), @GrainStateVersion::int) AS "NewGrainStateVersion"
$q$),
('ClearStorageKey', $q$
UPDATE orleans_grain_state
SET payload_binary = NULL, version = version + 1, modified_at = now()
WHERE version = @GrainStateVersion::int
  AND service_id = @ServiceId::text AND grain_type_hash = @GrainTypeHash::int AND grain_type = @GrainTypeString::text
  AND grain_id_hash = @GrainIdHash::int AND grain_id_n0 = @GrainIdN0::bigint AND grain_id_n1 = @GrainIdN1::bigint
  AND grain_id_ext = COALESCE(@GrainIdExtensionString::text, '')
RETURNING version AS "NewGrainStateVersion"
$q$),
('DeleteStorageKey', $q$
DELETE FROM orleans_grain_state
WHERE version = @GrainStateVersion::int
  AND service_id = @ServiceId::text AND grain_type_hash = @GrainTypeHash::int AND grain_type = @GrainTypeString::text
  AND grain_id_hash = @GrainIdHash::int AND grain_id_n0 = @GrainIdN0::bigint AND grain_id_n1 = @GrainIdN1::bigint
  AND grain_id_ext = COALESCE(@GrainIdExtensionString::text, '')
RETURNING version + 1 AS "NewGrainStateVersion"
$q$)
ON CONFLICT (querykey) DO UPDATE SET querytext = EXCLUDED.querytext;
