-- Per-user rollups of the activity log by day, hour and minute, so that counting a user's activity (activity.list's
-- metadata.total, activity.getStats) and finding a page cost buckets, not rows: a bot at 10 req/s writes 864,000
-- rows a day. A range is cut into whole days, then whole hours at its two edges, then whole minutes, then raw rows
-- in the two edge minutes (activity-sql.ts).
--
-- One row per (user, bucket, realm, method, status): the dimensions activity.list filters on. `bucket` is whole
-- days, hours or minutes since the Unix epoch (no time zone enters it). `bytes` is the size activity.getStats reports.
--
-- Buckets are counted from the epoch and positive, so a minute bucket's hour is bucket / 60 and its day bucket / 1440.
--
-- Statement-level triggers keep the rollups in the same transaction as the rows, whoever writes them: the group
-- commit, the retention job, a bulk load. So they cannot drift from the rows they count.

-- The time-only index goes: the planner, not knowing how one user's rows cluster in time, chose it for a user's
-- minute and then filtered out every other user's rows of that minute (measured: 4,756 rows read per minute for
-- one page). Every activity query now names its user, retention included (it finds the users with expired rows in
-- activity_by_day), so the user's time index serves them all, and each insert maintains one index fewer.
DROP INDEX activity_by_time;

CREATE TABLE activity_by_day (
  user_id     text    NOT NULL,
  bucket      bigint  NOT NULL,
  realm_id    text    NOT NULL,
  method      text    NOT NULL,
  status_code integer NOT NULL,
  records     bigint  NOT NULL,
  bytes       bigint  NOT NULL,
  PRIMARY KEY (user_id, bucket, realm_id, method, status_code)
);
CREATE TABLE activity_by_hour (LIKE activity_by_day INCLUDING ALL);
CREATE TABLE activity_by_minute (LIKE activity_by_day INCLUDING ALL);

-- The stored size of one entry as activity.getStats defines it: its JSON form, in bytes.
CREATE FUNCTION activity_size(a activity) RETURNS bigint LANGUAGE sql STABLE AS $$
  SELECT octet_length(json_build_object('id', a.id, 'user_id', a.user_id, 'realm_id', a.realm_id, 'method', a.method,
    'path', a.path, 'status_code', a.status_code, 'ip_address', a.ip_address, 'user_agent', a.user_agent,
    'created_at', a.created_at)::text)::bigint
$$;

CREATE FUNCTION activity_bucket(at timestamptz, seconds integer) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$
  SELECT floor(extract(epoch FROM at) / seconds)::bigint
$$;

-- One statement per batch: the batch is aggregated by minute once (each entry's size computed once), and the hour
-- and day rows are summed from the minutes. Rows are upserted in key order, so two batches that touch the same
-- buckets take their locks in the same order (a deadlock all the same is retried whole by the store).
CREATE FUNCTION activity_rollups_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  WITH by_minute AS (
    SELECT n.user_id, activity_bucket(n.created_at, 60) AS bucket, n.realm_id, n.method, n.status_code, count(*) AS records,
           sum(activity_size(n)) AS bytes
    FROM added n GROUP BY 1, 2, 3, 4, 5
  ), days AS (
    INSERT INTO activity_by_day AS r (user_id, bucket, realm_id, method, status_code, records, bytes)
    SELECT user_id, bucket / 1440, realm_id, method, status_code, sum(records), sum(bytes) FROM by_minute GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (user_id, bucket, realm_id, method, status_code)
    DO UPDATE SET records = r.records + EXCLUDED.records, bytes = r.bytes + EXCLUDED.bytes
  ), hours AS (
    INSERT INTO activity_by_hour AS r (user_id, bucket, realm_id, method, status_code, records, bytes)
    SELECT user_id, bucket / 60, realm_id, method, status_code, sum(records), sum(bytes) FROM by_minute GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (user_id, bucket, realm_id, method, status_code)
    DO UPDATE SET records = r.records + EXCLUDED.records, bytes = r.bytes + EXCLUDED.bytes
  )
  INSERT INTO activity_by_minute AS r (user_id, bucket, realm_id, method, status_code, records, bytes)
  SELECT * FROM by_minute ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (user_id, bucket, realm_id, method, status_code)
  DO UPDATE SET records = r.records + EXCLUDED.records, bytes = r.bytes + EXCLUDED.bytes;
  RETURN NULL;
END $$;

CREATE FUNCTION activity_rollups_remove() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE activity_by_day r SET records = r.records - g.records, bytes = r.bytes - g.bytes
  FROM (SELECT o.user_id, activity_bucket(o.created_at, 86400) AS bucket, o.realm_id, o.method, o.status_code, count(*) AS records,
               sum(activity_size(o)) AS bytes
        FROM removed o GROUP BY 1, 2, 3, 4, 5) g
  WHERE (r.user_id, r.bucket, r.realm_id, r.method, r.status_code) = (g.user_id, g.bucket, g.realm_id, g.method, g.status_code);
  DELETE FROM activity_by_day WHERE records <= 0 AND (user_id, bucket) IN (SELECT DISTINCT o.user_id, activity_bucket(o.created_at, 86400) FROM removed o);
  UPDATE activity_by_hour r SET records = r.records - g.records, bytes = r.bytes - g.bytes
  FROM (SELECT o.user_id, activity_bucket(o.created_at, 3600) AS bucket, o.realm_id, o.method, o.status_code, count(*) AS records,
               sum(activity_size(o)) AS bytes
        FROM removed o GROUP BY 1, 2, 3, 4, 5) g
  WHERE (r.user_id, r.bucket, r.realm_id, r.method, r.status_code) = (g.user_id, g.bucket, g.realm_id, g.method, g.status_code);
  DELETE FROM activity_by_hour WHERE records <= 0 AND (user_id, bucket) IN (SELECT DISTINCT o.user_id, activity_bucket(o.created_at, 3600) FROM removed o);
  UPDATE activity_by_minute r SET records = r.records - g.records, bytes = r.bytes - g.bytes
  FROM (SELECT o.user_id, activity_bucket(o.created_at, 60) AS bucket, o.realm_id, o.method, o.status_code, count(*) AS records,
               sum(activity_size(o)) AS bytes
        FROM removed o GROUP BY 1, 2, 3, 4, 5) g
  WHERE (r.user_id, r.bucket, r.realm_id, r.method, r.status_code) = (g.user_id, g.bucket, g.realm_id, g.method, g.status_code);
  DELETE FROM activity_by_minute WHERE records <= 0 AND (user_id, bucket) IN (SELECT DISTINCT o.user_id, activity_bucket(o.created_at, 60) FROM removed o);
  RETURN NULL;
END $$;

CREATE FUNCTION activity_rollups_clear() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE activity_by_day, activity_by_hour, activity_by_minute;
  RETURN NULL;
END $$;

CREATE TRIGGER activity_rollups_on_insert AFTER INSERT ON activity
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION activity_rollups_add();
CREATE TRIGGER activity_rollups_on_delete AFTER DELETE ON activity
  REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION activity_rollups_remove();
CREATE TRIGGER activity_rollups_on_truncate AFTER TRUNCATE ON activity
  FOR EACH STATEMENT EXECUTE FUNCTION activity_rollups_clear();
-- Activity rows are never updated; a change to the columns the rollups count would make them wrong.
CREATE FUNCTION activity_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'activity rows are not updated (the rollups count them)';
END $$;
CREATE TRIGGER activity_no_update BEFORE UPDATE ON activity FOR EACH STATEMENT EXECUTE FUNCTION activity_is_append_only();

-- The filter activity.list applies to rows and rollups alike; null arguments mean "any". A plain SQL expression,
-- so the planner inlines it where it is used.
CREATE FUNCTION activity_matches(status_code integer, method text, realm_id text, p_min_status integer, p_max_status integer,
                                 p_method text, p_realm text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT (p_min_status IS NULL OR status_code >= p_min_status) AND (p_max_status IS NULL OR status_code <= p_max_status)
     AND (p_method IS NULL OR method = p_method) AND (p_realm IS NULL OR realm_id = p_realm)
$$;

-- One page of a user's activity, newest first, in time bounded by the page and not by the history. The rollups are
-- walked newest first, days, then the hours of a day, then the minutes of an hour: a whole bucket before the page is
-- skipped by its count, a bucket with no matching row is never visited, and only the minutes the page needs are
-- read, in one statement, each through the user's time index. A bucket at an edge of the range also counts rows
-- outside it, so it is never skipped whole, and an edge minute is counted from its rows. Null filter arguments mean
-- "any".
CREATE FUNCTION activity_page(p_user text, p_lower timestamptz, p_upper timestamptz, p_min_status integer, p_max_status integer,
                              p_method text, p_realm text, p_limit bigint, p_offset bigint)
RETURNS SETOF activity LANGUAGE plpgsql STABLE AS $$
DECLARE
  first_day constant bigint := activity_bucket(p_lower, 86400);
  last_day constant bigint := activity_bucket(p_upper, 86400);
  first_hour constant bigint := activity_bucket(p_lower, 3600);
  last_hour constant bigint := activity_bucket(p_upper, 3600);
  first_minute constant bigint := activity_bucket(p_lower, 60);
  last_minute constant bigint := activity_bucket(p_upper, 60);
  d record;
  h record;
  m record;
  skip bigint := p_offset;
  minutes bigint[] := '{}';
  collected bigint := 0;
  in_minute bigint;
BEGIN
  <<days>>
  FOR d IN
    SELECT r.bucket, sum(r.records) AS records FROM activity_by_day r
    WHERE r.user_id = p_user AND r.bucket >= first_day AND (last_day IS NULL OR r.bucket <= last_day)
      AND activity_matches(r.status_code, r.method, r.realm_id, p_min_status, p_max_status, p_method, p_realm)
    GROUP BY r.bucket ORDER BY r.bucket DESC
  LOOP
    IF cardinality(minutes) = 0 AND d.records <= skip AND d.bucket > first_day AND (last_day IS NULL OR d.bucket < last_day) THEN
      skip := skip - d.records;
      CONTINUE;
    END IF;
    FOR h IN
      SELECT r.bucket, sum(r.records) AS records FROM activity_by_hour r
      WHERE r.user_id = p_user AND r.bucket >= greatest(d.bucket * 24, first_hour) AND r.bucket < (d.bucket + 1) * 24
        AND (last_hour IS NULL OR r.bucket <= last_hour)
        AND activity_matches(r.status_code, r.method, r.realm_id, p_min_status, p_max_status, p_method, p_realm)
      GROUP BY r.bucket ORDER BY r.bucket DESC
    LOOP
      IF cardinality(minutes) = 0 AND h.records <= skip AND h.bucket > first_hour AND (last_hour IS NULL OR h.bucket < last_hour) THEN
        skip := skip - h.records;
        CONTINUE;
      END IF;
      FOR m IN
        SELECT r.bucket, sum(r.records) AS records FROM activity_by_minute r
        WHERE r.user_id = p_user AND r.bucket >= greatest(h.bucket * 60, first_minute) AND r.bucket < (h.bucket + 1) * 60
          AND (last_minute IS NULL OR r.bucket <= last_minute)
          AND activity_matches(r.status_code, r.method, r.realm_id, p_min_status, p_max_status, p_method, p_realm)
        GROUP BY r.bucket ORDER BY r.bucket DESC
      LOOP
        -- The minute's matching rows in the range: its rollup count when the minute lies wholly inside the range,
        -- else counted from its rows (at most the two edge minutes).
        IF m.bucket > first_minute AND (last_minute IS NULL OR m.bucket < last_minute) THEN
          in_minute := m.records;
        ELSE
          SELECT count(*) INTO in_minute FROM activity a
          WHERE a.user_id = p_user AND a.created_at >= greatest(p_lower, to_timestamp(m.bucket * 60)) AND a.created_at < to_timestamp((m.bucket + 1) * 60)
            AND (p_upper IS NULL OR a.created_at <= p_upper)
            AND activity_matches(a.status_code, a.method, a.realm_id, p_min_status, p_max_status, p_method, p_realm);
        END IF;
        IF cardinality(minutes) = 0 AND in_minute <= skip THEN
          skip := skip - in_minute;
          CONTINUE;
        END IF;
        IF in_minute > 0 THEN
          minutes := minutes || m.bucket;
          collected := collected + in_minute;
        END IF;
        EXIT days WHEN collected >= skip + p_limit;
      END LOOP;
    END LOOP;
  END LOOP;
  -- The rows of the chosen minutes, read in one statement, each minute through the time index and no further than
  -- the page needs.
  RETURN QUERY SELECT a.* FROM unnest(minutes) WITH ORDINALITY AS chosen(bucket, position)
    CROSS JOIN LATERAL (
      SELECT * FROM activity a
      WHERE a.user_id = p_user AND a.created_at >= greatest(p_lower, to_timestamp(chosen.bucket * 60)) AND a.created_at < to_timestamp((chosen.bucket + 1) * 60)
        AND (p_upper IS NULL OR a.created_at <= p_upper)
        AND activity_matches(a.status_code, a.method, a.realm_id, p_min_status, p_max_status, p_method, p_realm)
      ORDER BY a.created_at DESC, a.seq DESC LIMIT skip + p_limit) a
    ORDER BY chosen.position, a.created_at DESC, a.seq DESC OFFSET skip LIMIT p_limit;
END $$;

-- What the log already holds, in one pass over it (by minute, then hours and days from the minutes).
WITH by_minute AS (
  SELECT a.user_id, activity_bucket(a.created_at, 60) AS bucket, a.realm_id, a.method, a.status_code, count(*) AS records,
         sum(activity_size(a)) AS bytes
  FROM activity a GROUP BY 1, 2, 3, 4, 5
), days AS (
  INSERT INTO activity_by_day (user_id, bucket, realm_id, method, status_code, records, bytes)
  SELECT user_id, bucket / 1440, realm_id, method, status_code, sum(records), sum(bytes) FROM by_minute GROUP BY 1, 2, 3, 4, 5
), hours AS (
  INSERT INTO activity_by_hour (user_id, bucket, realm_id, method, status_code, records, bytes)
  SELECT user_id, bucket / 60, realm_id, method, status_code, sum(records), sum(bytes) FROM by_minute GROUP BY 1, 2, 3, 4, 5
)
INSERT INTO activity_by_minute (user_id, bucket, realm_id, method, status_code, records, bytes)
SELECT * FROM by_minute;
