-- activity_page (migration 008) at a lower fixed cost per call. The walk and its bounds are unchanged; measured at a
-- million rows with pgbench (two clients, one call per transaction):
--
-- 1. The page's first span is read alone, in index order from whichever of its ends is nearer the page (its count
--    is known from the walk), the rows before the page skipped by the scan. 008 read every span in one statement
--    and sorted all of their rows, offset included: page 400 of a busy log read a dense second of ~1,600 rows and
--    sorted them all to keep 50 (that sort was 1.7 of its 2.5 ms). The later spans are read as before, with no
--    offset left, so what they sort is at most a page.
-- 2. Its statements are planned once per connection (a generic plan) instead of on every call. PL/pgSQL plans a
--    statement with the call's values for its first five calls and keeps doing so while the generic plan's estimate
--    is not clearly cheaper, which for the minute walk and the row reads it was not (auto_explain showed them
--    planned with literal values on every call); planning them cost more than running them.
-- 3. A minute's density comes from its own rollup rows, read whole (their sum is the minute's total, as in
--    activity_minute_totals: the same triggers keep both), instead of one lookup in activity_minute_totals for
--    each minute the walk fetches. The filter moves from WHERE to the sums.
--
-- Per call, 008 -> 009, the two alternated on the same data (two rounds, averaged): errors_only 0.76 -> 0.47 ms;
-- page 400 1.76 -> 0.26; GET at page 400 1.71 -> 0.27; POST over 7 days 1.31 -> 0.36; a bounded range at offset
-- 450 0.94 -> 0.50; offset 900,000 0.60 -> 0.36. Every page of 360 combinations of filter, range and offset was
-- the same from both.

CREATE OR REPLACE FUNCTION activity_page(p_user text, p_lower timestamptz, p_upper timestamptz, p_min_status integer, p_max_status integer,
                                         p_method text, p_realm text, p_limit bigint, p_offset bigint)
RETURNS SETOF activity LANGUAGE plpgsql STABLE
-- Plans made once per connection: see the header.
SET plan_cache_mode = force_generic_plan AS $$
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
  returned bigint;
  first_rows bigint;
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
        SELECT r.bucket, sum(r.records) FILTER (WHERE activity_matches(r.status_code, r.method, r.realm_id, p_min_status, p_max_status, p_method, p_realm)) AS records,
               sum(r.records) > dense AS is_dense
        FROM activity_by_minute r
        WHERE r.user_id = p_user AND r.bucket >= greatest(h.bucket * 60, first_minute) AND r.bucket < (h.bucket + 1) * 60
          AND (last_minute IS NULL OR r.bucket <= last_minute)
        GROUP BY r.bucket
        HAVING sum(r.records) FILTER (WHERE activity_matches(r.status_code, r.method, r.realm_id, p_min_status, p_max_status, p_method, p_realm)) > 0
        ORDER BY r.bucket DESC
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
          first_rows := coalesce(first_rows, collected);
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
          first_rows := coalesce(first_rows, collected);
          EXIT days WHEN collected >= skip + p_limit;
        END LOOP;
      END LOOP;
    END LOOP;
  END LOOP;
  IF cardinality(starts) = 0 THEN
    RETURN;
  END IF;
  -- The first span holds `first_rows` matching rows, more than `skip` (else the walk would have skipped it), so the
  -- page starts in it: read in index order from the nearer end, the rows before the page skipped by the scan, with
  -- nothing to sort. From the newest end that is `skip` rows; from the oldest, the rows after the page.
  IF skip * 2 <= first_rows THEN
    RETURN QUERY SELECT * FROM activity a
      WHERE a.user_id = p_user AND a.created_at >= greatest(p_lower, to_timestamp(starts[1])) AND a.created_at < to_timestamp(starts[1] + lengths[1])
        AND (p_upper IS NULL OR a.created_at <= p_upper)
        AND activity_matches(a.status_code, a.method, a.realm_id, p_min_status, p_max_status, p_method, p_realm)
      ORDER BY a.created_at DESC, a.seq DESC OFFSET skip LIMIT p_limit;
  ELSE
    RETURN QUERY SELECT * FROM activity a
      WHERE a.user_id = p_user AND a.created_at >= greatest(p_lower, to_timestamp(starts[1])) AND a.created_at < to_timestamp(starts[1] + lengths[1])
        AND (p_upper IS NULL OR a.created_at <= p_upper)
        AND activity_matches(a.status_code, a.method, a.realm_id, p_min_status, p_max_status, p_method, p_realm)
      ORDER BY a.created_at, a.seq OFFSET greatest(first_rows - skip - p_limit, 0) LIMIT least(p_limit, first_rows - skip);
  END IF;
  GET DIAGNOSTICS returned = ROW_COUNT;
  IF returned >= p_limit OR cardinality(starts) = 1 THEN
    RETURN;
  END IF;
  -- The rest of the page from the later spans, each through the time index and no further than the page needs.
  RETURN QUERY SELECT a.* FROM unnest(starts[2:], lengths[2:]) WITH ORDINALITY AS chosen(span_start, span_seconds, position)
    CROSS JOIN LATERAL (
      SELECT * FROM activity a
      WHERE a.user_id = p_user AND a.created_at >= greatest(p_lower, to_timestamp(chosen.span_start)) AND a.created_at < to_timestamp(chosen.span_start + chosen.span_seconds)
        AND (p_upper IS NULL OR a.created_at <= p_upper)
        AND activity_matches(a.status_code, a.method, a.realm_id, p_min_status, p_max_status, p_method, p_realm)
      ORDER BY a.created_at DESC, a.seq DESC LIMIT p_limit - returned) a
    ORDER BY chosen.position, a.created_at DESC, a.seq DESC LIMIT p_limit - returned;
END $$;
