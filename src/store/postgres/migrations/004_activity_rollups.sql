-- Per-user hourly rollups of the activity log, so that counting a user's activity (activity.list's metadata.total,
-- activity.getStats) costs the hours in the range, not the rows: a bot at 10 req/s writes 864,000 rows a day, and
-- 30 days of them are 720 hours. Raw rows are counted only in the hour at each edge of a range.
--
-- One row per (user, hour, realm, method, status): the dimensions activity.list filters on. `hour` is whole hours
-- since the Unix epoch (no time zone enters it). `bytes` is the size that activity.getStats reports.
--
-- Statement-level triggers keep the rollups in the same transaction as the rows, whoever writes them: the group
-- commit, the retention job, a bulk load. So they cannot drift from the rows they count.

CREATE TABLE activity_rollup (
  user_id     text    NOT NULL,
  hour        bigint  NOT NULL,
  realm_id    text    NOT NULL,
  method      text    NOT NULL,
  status_code integer NOT NULL,
  records     bigint  NOT NULL,
  bytes       bigint  NOT NULL,
  PRIMARY KEY (user_id, hour, realm_id, method, status_code)
);

-- The stored size of one entry as activity.getStats defines it: its JSON form, in bytes.
CREATE FUNCTION activity_size(a activity) RETURNS bigint LANGUAGE sql STABLE AS $$
  SELECT octet_length(json_build_object('id', a.id, 'user_id', a.user_id, 'realm_id', a.realm_id, 'method', a.method,
    'path', a.path, 'status_code', a.status_code, 'ip_address', a.ip_address, 'user_agent', a.user_agent,
    'created_at', a.created_at)::text)::bigint
$$;

CREATE FUNCTION activity_hour(at timestamptz) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$
  SELECT floor(extract(epoch FROM at) / 3600)::bigint
$$;

-- Rows are upserted in key order, so two batches that touch the same hours lock them in the same order.
CREATE FUNCTION activity_rollup_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO activity_rollup AS r (user_id, hour, realm_id, method, status_code, records, bytes)
  SELECT n.user_id, activity_hour(n.created_at), n.realm_id, n.method, n.status_code, count(*), sum(activity_size(n))
  FROM added n GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (user_id, hour, realm_id, method, status_code)
  DO UPDATE SET records = r.records + EXCLUDED.records, bytes = r.bytes + EXCLUDED.bytes;
  RETURN NULL;
END $$;

CREATE FUNCTION activity_rollup_remove() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE activity_rollup r SET records = r.records - g.records, bytes = r.bytes - g.bytes
  FROM (SELECT o.user_id, activity_hour(o.created_at) AS hour, o.realm_id, o.method, o.status_code, count(*) AS records,
               sum(activity_size(o)) AS bytes
        FROM removed o GROUP BY 1, 2, 3, 4, 5) g
  WHERE r.user_id = g.user_id AND r.hour = g.hour AND r.realm_id = g.realm_id AND r.method = g.method AND r.status_code = g.status_code;
  DELETE FROM activity_rollup WHERE records <= 0 AND (user_id, hour) IN (SELECT DISTINCT o.user_id, activity_hour(o.created_at) FROM removed o);
  RETURN NULL;
END $$;

CREATE FUNCTION activity_rollup_clear() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE activity_rollup;
  RETURN NULL;
END $$;

CREATE TRIGGER activity_rollup_on_insert AFTER INSERT ON activity
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION activity_rollup_add();
CREATE TRIGGER activity_rollup_on_delete AFTER DELETE ON activity
  REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION activity_rollup_remove();
CREATE TRIGGER activity_rollup_on_truncate AFTER TRUNCATE ON activity
  FOR EACH STATEMENT EXECUTE FUNCTION activity_rollup_clear();
-- Activity rows are never updated; a change to the columns the rollups count would make them wrong.
CREATE FUNCTION activity_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'activity rows are not updated (the hourly rollups count them)';
END $$;
CREATE TRIGGER activity_no_update BEFORE UPDATE ON activity FOR EACH STATEMENT EXECUTE FUNCTION activity_is_append_only();

-- One page of a user's activity, newest first, in time bounded by the page and not by the history: the rollups say
-- which hours hold matching rows, hours wholly before the page are skipped by their counts, and only the hours
-- the page needs are read, each through the user's time index. An hour at an edge of the range is counted from its
-- rows (its rollup also counts rows outside the range). Null filter arguments mean "any".
CREATE FUNCTION activity_page(p_user text, p_lower timestamptz, p_upper timestamptz, p_min_status integer, p_max_status integer,
                              p_method text, p_realm text, p_limit bigint, p_offset bigint)
RETURNS SETOF activity LANGUAGE plpgsql STABLE AS $$
DECLARE
  first_hour constant bigint := activity_hour(p_lower);
  last_hour constant bigint := activity_hour(p_upper);
  h record;
  skip bigint := p_offset;
  wanted bigint := p_limit;
  in_hour bigint;
  got bigint;
BEGIN
  FOR h IN
    SELECT r.hour, sum(r.records) AS records FROM activity_rollup r
    WHERE r.user_id = p_user AND r.hour >= first_hour AND (last_hour IS NULL OR r.hour <= last_hour)
      AND (p_min_status IS NULL OR r.status_code >= p_min_status) AND (p_max_status IS NULL OR r.status_code <= p_max_status)
      AND (p_method IS NULL OR r.method = p_method) AND (p_realm IS NULL OR r.realm_id = p_realm)
    GROUP BY r.hour ORDER BY r.hour DESC
  LOOP
    IF skip > 0 THEN
      IF h.hour > first_hour AND (last_hour IS NULL OR h.hour < last_hour) THEN
        in_hour := h.records;
      ELSE
        SELECT count(*) INTO in_hour FROM activity a
        WHERE a.user_id = p_user AND a.created_at >= greatest(p_lower, to_timestamp(h.hour * 3600)) AND a.created_at < to_timestamp((h.hour + 1) * 3600)
          AND (p_upper IS NULL OR a.created_at <= p_upper)
          AND (p_min_status IS NULL OR a.status_code >= p_min_status) AND (p_max_status IS NULL OR a.status_code <= p_max_status)
          AND (p_method IS NULL OR a.method = p_method) AND (p_realm IS NULL OR a.realm_id = p_realm);
      END IF;
      IF in_hour <= skip THEN
        skip := skip - in_hour;
        CONTINUE;
      END IF;
    END IF;
    RETURN QUERY SELECT a.* FROM activity a
      WHERE a.user_id = p_user AND a.created_at >= greatest(p_lower, to_timestamp(h.hour * 3600)) AND a.created_at < to_timestamp((h.hour + 1) * 3600)
        AND (p_upper IS NULL OR a.created_at <= p_upper)
        AND (p_min_status IS NULL OR a.status_code >= p_min_status) AND (p_max_status IS NULL OR a.status_code <= p_max_status)
        AND (p_method IS NULL OR a.method = p_method) AND (p_realm IS NULL OR a.realm_id = p_realm)
      ORDER BY a.created_at DESC, a.seq DESC OFFSET skip LIMIT wanted;
    GET DIAGNOSTICS got = ROW_COUNT;
    skip := 0;
    wanted := wanted - got;
    EXIT WHEN wanted <= 0;
  END LOOP;
END $$;

INSERT INTO activity_rollup (user_id, hour, realm_id, method, status_code, records, bytes)
SELECT a.user_id, activity_hour(a.created_at), a.realm_id, a.method, a.status_code, count(*), sum(activity_size(a))
FROM activity a GROUP BY 1, 2, 3, 4, 5;
