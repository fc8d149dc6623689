-- Boid schema 1: the table Orleans' ADO.NET providers read their SQL from.
-- Each provider runs "SELECT QueryKey, QueryText FROM OrleansQuery" at start and fails if a key it
-- needs is missing. Unquoted identifiers fold to lower case, so the table is orleansquery.
-- Later migrations add or replace rows with INSERT ... ON CONFLICT, never by editing this file.
CREATE TABLE orleansquery
(
    querykey  varchar(64) NOT NULL PRIMARY KEY,
    querytext text        NOT NULL
);
