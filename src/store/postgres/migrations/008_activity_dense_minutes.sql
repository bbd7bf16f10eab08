-- Dense minutes. A page of activity (migration 004) reads the rows of the minutes that hold it, so its cost was
-- bounded by the rows of one minute. A client that makes thousands of requests a minute filled minutes with
-- 100,000 rows and more, and a page inside such a minute read all of them: page 400 of a busy log, or a few POSTs
-- among a flood of GETs, took 10-25 ms of database time. So a minute with more than DENSE rows (see
-- activity_dense_minute_rows) also gets per-second rollups, and a page walks its seconds the way it walks minutes.
-- A quiet minute keeps none: a user who makes a request every few seconds would otherwise get one rollup row per
-- request.
--
-- Each (user, minute) has one total row. Every batch that adds rows to a minute updates that row, so batches of the
-- same minute (from several processes) take turns on its row lock, and each knows, holding it, whether the minute
-- was already dense before its rows. The batch that makes a minute dense builds the minute's seconds from all of its
-- rows, in a statement that starts after it holds the lock (so it sees every batch committed before it, and a
-- batch not yet committed is still waiting for the lock and will add its own rows). Invariant: while a minute's
-- total exceeds DENSE, its seconds count exactly its rows.

CREATE TABLE activity_minute_totals (
  user_id text   NOT NULL,
  bucket  bigint NOT NULL,
  records bigint NOT NULL,
  PRIMARY KEY (user_id, bucket)
);

CREATE TABLE activity_by_second (
  user_id     text    NOT NULL,
  bucket      bigint  NOT NULL,
  realm_id    text    NOT NULL,
  method      text    NOT NULL,
  status_code integer NOT NULL,
  records     bigint  NOT NULL,
  PRIMARY KEY (user_id, bucket, realm_id, method, status_code)
);

-- Above this many rows a minute is dense. Below it, reading a minute's rows costs well under a millisecond.
CREATE FUNCTION activity_dense_minute_rows() RETURNS bigint LANGUAGE sql IMMUTABLE AS 'SELECT 300::bigint';

CREATE FUNCTION activity_seconds_add() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  dense constant bigint := activity_dense_minute_rows();
  crossed_users text[];
  crossed_minutes bigint[];
  dense_users text[];
  dense_minutes bigint[];
BEGIN
  -- Totals first, in key order (the lock order every batch follows). Each row answers the minute's total with this
  -- batch's rows in it; the minutes over DENSE split into those this batch made dense and those dense before it.
  WITH own AS (
    SELECT n.user_id, activity_bucket(n.created_at, 60) AS bucket, count(*) AS records FROM added n GROUP BY 1, 2
  ), totals AS (
    INSERT INTO activity_minute_totals AS t (user_id, bucket, records)
    SELECT user_id, bucket, records FROM own ORDER BY 1, 2
    ON CONFLICT (user_id, bucket) DO UPDATE SET records = t.records + EXCLUDED.records
    RETURNING t.user_id, t.bucket, t.records
  )
  SELECT array_agg(t.user_id) FILTER (WHERE t.records - o.records <= dense), array_agg(t.bucket) FILTER (WHERE t.records - o.records <= dense),
         array_agg(t.user_id) FILTER (WHERE t.records - o.records > dense), array_agg(t.bucket) FILTER (WHERE t.records - o.records > dense)
  INTO crossed_users, crossed_minutes, dense_users, dense_minutes
  FROM totals t JOIN own o ON o.user_id = t.user_id AND o.bucket = t.bucket
  WHERE t.records > dense;

  IF crossed_users IS NOT NULL THEN
    -- Built from every row of the minute (a new snapshot: everything committed before this batch held the lock).
    -- Seconds left from an earlier dense spell (rows since deleted) are replaced, not added to.
    DELETE FROM activity_by_second s
    USING unnest(crossed_users, crossed_minutes) AS c(user_id, bucket)
    WHERE s.user_id = c.user_id AND s.bucket >= c.bucket * 60 AND s.bucket < (c.bucket + 1) * 60;
    INSERT INTO activity_by_second (user_id, bucket, realm_id, method, status_code, records)
    SELECT a.user_id, activity_bucket(a.created_at, 1), a.realm_id, a.method, a.status_code, count(*)
    FROM unnest(crossed_users, crossed_minutes) AS c(user_id, bucket)
    JOIN activity a ON a.user_id = c.user_id AND a.created_at >= to_timestamp(c.bucket * 60) AND a.created_at < to_timestamp((c.bucket + 1) * 60)
    GROUP BY 1, 2, 3, 4, 5;
  END IF;

  IF dense_users IS NOT NULL THEN
    INSERT INTO activity_by_second AS s (user_id, bucket, realm_id, method, status_code, records)
    SELECT n.user_id, activity_bucket(n.created_at, 1), n.realm_id, n.method, n.status_code, count(*)
    FROM added n JOIN unnest(dense_users, dense_minutes) AS d(user_id, bucket)
      ON d.user_id = n.user_id AND d.bucket = activity_bucket(n.created_at, 60)
    GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (user_id, bucket, realm_id, method, status_code) DO UPDATE SET records = s.records + EXCLUDED.records;
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION activity_seconds_remove() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE activity_minute_totals t SET records = t.records - g.records
  FROM (SELECT o.user_id, activity_bucket(o.created_at, 60) AS bucket, count(*) AS records FROM removed o GROUP BY 1, 2) g
  WHERE t.user_id = g.user_id AND t.bucket = g.bucket;
  DELETE FROM activity_minute_totals WHERE records <= 0 AND (user_id, bucket) IN (SELECT DISTINCT o.user_id, activity_bucket(o.created_at, 60) FROM removed o);
  UPDATE activity_by_second s SET records = s.records - g.records
  FROM (SELECT o.user_id, activity_bucket(o.created_at, 1) AS bucket, o.realm_id, o.method, o.status_code, count(*) AS records
        FROM removed o GROUP BY 1, 2, 3, 4, 5) g
  WHERE (s.user_id, s.bucket, s.realm_id, s.method, s.status_code) = (g.user_id, g.bucket, g.realm_id, g.method, g.status_code);
  DELETE FROM activity_by_second WHERE records <= 0 AND (user_id, bucket) IN (SELECT DISTINCT o.user_id, activity_bucket(o.created_at, 1) FROM removed o);
  RETURN NULL;
END $$;

CREATE FUNCTION activity_seconds_clear() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE activity_minute_totals, activity_by_second;
  RETURN NULL;
END $$;

CREATE TRIGGER activity_seconds_on_insert AFTER INSERT ON activity
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION activity_seconds_add();
CREATE TRIGGER activity_seconds_on_delete AFTER DELETE ON activity
  REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION activity_seconds_remove();
CREATE TRIGGER activity_seconds_on_truncate AFTER TRUNCATE ON activity
  FOR EACH STATEMENT EXECUTE FUNCTION activity_seconds_clear();

-- activity_page as in migration 004, with one more level: inside a dense minute the page walks its seconds, skips
-- whole seconds before the page by their counts, and reads only the seconds that hold the page. The rows read for
-- a page are then bounded by the rows of one second (or of one quiet minute), not of one minute.
CREATE OR REPLACE FUNCTION activity_page(p_user text, p_lower timestamptz, p_upper timestamptz, p_min_status integer, p_max_status integer,
                                         p_method text, p_realm text, p_limit bigint, p_offset bigint)
RETURNS SETOF activity LANGUAGE plpgsql STABLE AS $$
DECLARE
  dense constant bigint := activity_dense_minute_rows();
  first_day constant bigint := activity_bucket(p_lower, 86400);
  last_day constant bigint := activity_bucket(p_upper, 86400);
  first_hour constant bigint := activity_bucket(p_lower, 3600);
  last_hour constant bigint := activity_bucket(p_upper, 3600);
  first_minute constant bigint := activity_bucket(p_lower, 60);
  last_minute constant bigint := activity_bucket(p_upper, 60);
  d record;
  h record;
  m record;
  s record;
  skip bigint := p_offset;
  -- The spans to read, newest first: [starts[i], starts[i] + lengths[i]) in seconds since the epoch.
  starts bigint[] := '{}';
  lengths integer[] := '{}';
  collected bigint := 0;
  in_minute bigint;
  minute_is_dense boolean;
BEGIN
  <<days>>
  FOR d IN
    SELECT r.bucket, sum(r.records) AS records FROM activity_by_day r
    WHERE r.user_id = p_user AND r.bucket >= first_day AND (last_day IS NULL OR r.bucket <= last_day)
      AND activity_matches(r.status_code, r.method, r.realm_id, p_min_status, p_max_status, p_method, p_realm)
    GROUP BY r.bucket ORDER BY r.bucket DESC
  LOOP
    IF cardinality(starts) = 0 AND d.records <= skip AND d.bucket > first_day AND (last_day IS NULL OR d.bucket < last_day) THEN
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
      IF cardinality(starts) = 0 AND h.records <= skip AND h.bucket > first_hour AND (last_hour IS NULL OR h.bucket < last_hour) THEN
        skip := skip - h.records;
        CONTINUE;
      END IF;
      FOR m IN
        SELECT r.bucket, sum(r.records) AS records,
               coalesce((SELECT t.records FROM activity_minute_totals t WHERE t.user_id = p_user AND t.bucket = r.bucket), 0) > dense AS is_dense
        FROM activity_by_minute r
        WHERE r.user_id = p_user AND r.bucket >= greatest(h.bucket * 60, first_minute) AND r.bucket < (h.bucket + 1) * 60
          AND (last_minute IS NULL OR r.bucket <= last_minute)
          AND activity_matches(r.status_code, r.method, r.realm_id, p_min_status, p_max_status, p_method, p_realm)
        GROUP BY r.bucket ORDER BY r.bucket DESC
      LOOP
        IF m.bucket > first_minute AND (last_minute IS NULL OR m.bucket < last_minute) THEN
          in_minute := m.records;
          minute_is_dense := m.is_dense;
        ELSE
          -- An edge minute also holds rows outside the range: counted from its rows, and read whole.
          SELECT count(*) INTO in_minute FROM activity a
          WHERE a.user_id = p_user AND a.created_at >= greatest(p_lower, to_timestamp(m.bucket * 60)) AND a.created_at < to_timestamp((m.bucket + 1) * 60)
            AND (p_upper IS NULL OR a.created_at <= p_upper)
            AND activity_matches(a.status_code, a.method, a.realm_id, p_min_status, p_max_status, p_method, p_realm);
          minute_is_dense := false;
        END IF;
        IF cardinality(starts) = 0 AND in_minute <= skip THEN
          skip := skip - in_minute;
          CONTINUE;
        END IF;
        IF in_minute = 0 THEN
          CONTINUE;
        END IF;
        IF NOT minute_is_dense THEN
          starts := starts || m.bucket * 60;
          lengths := lengths || 60;
          collected := collected + in_minute;
          EXIT days WHEN collected >= skip + p_limit;
          CONTINUE;
        END IF;
        FOR s IN
          SELECT r.bucket, sum(r.records) AS records FROM activity_by_second r
          WHERE r.user_id = p_user AND r.bucket >= m.bucket * 60 AND r.bucket < (m.bucket + 1) * 60
            AND activity_matches(r.status_code, r.method, r.realm_id, p_min_status, p_max_status, p_method, p_realm)
          GROUP BY r.bucket ORDER BY r.bucket DESC
        LOOP
          IF cardinality(starts) = 0 AND s.records <= skip THEN
            skip := skip - s.records;
            CONTINUE;
          END IF;
          starts := starts || s.bucket;
          lengths := lengths || 1;
          collected := collected + s.records;
          EXIT days WHEN collected >= skip + p_limit;
        END LOOP;
      END LOOP;
    END LOOP;
  END LOOP;
  -- The rows of the chosen spans, read in one statement, each span through the time index and no further than the
  -- page needs.
  RETURN QUERY SELECT a.* FROM unnest(starts, lengths) WITH ORDINALITY AS chosen(span_start, span_seconds, position)
    CROSS JOIN LATERAL (
      SELECT * FROM activity a
      WHERE a.user_id = p_user AND a.created_at >= greatest(p_lower, to_timestamp(chosen.span_start)) AND a.created_at < to_timestamp(chosen.span_start + chosen.span_seconds)
        AND (p_upper IS NULL OR a.created_at <= p_upper)
        AND activity_matches(a.status_code, a.method, a.realm_id, p_min_status, p_max_status, p_method, p_realm)
      ORDER BY a.created_at DESC, a.seq DESC LIMIT skip + p_limit) a
    ORDER BY chosen.position, a.created_at DESC, a.seq DESC OFFSET skip LIMIT p_limit;
END $$;

-- What the log already holds: the totals of every minute, and the seconds of the dense ones.
INSERT INTO activity_minute_totals (user_id, bucket, records)
SELECT user_id, activity_bucket(created_at, 60), count(*) FROM activity GROUP BY 1, 2;
INSERT INTO activity_by_second (user_id, bucket, realm_id, method, status_code, records)
SELECT a.user_id, activity_bucket(a.created_at, 1), a.realm_id, a.method, a.status_code, count(*)
FROM activity a JOIN activity_minute_totals t ON t.user_id = a.user_id AND t.bucket = activity_bucket(a.created_at, 60)
WHERE t.records > activity_dense_minute_rows()
GROUP BY 1, 2, 3, 4, 5;
