-- Every transaction that touches a user's vault locks that user's vault_usage row first and the entries after it:
-- one lock order, so concurrent set, delete and clear by one user queue instead of deadlocking. Each write is one
-- function call, so it costs one round trip and no lock is held across a round trip to the client.

CREATE FUNCTION vault_set(p_user text, p_realm text, p_key text, p_value text, p_metadata jsonb, p_size bigint,
                          p_created_at timestamptz, p_updated_at timestamptz, p_limit bigint)
RETURNS TABLE (outcome text, user_id text, realm_id text, key text, value text, metadata jsonb, size_bytes bigint,
               created_at timestamptz, updated_at timestamptz)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  v_total bigint;
  v_previous bigint;
BEGIN
  INSERT INTO vault_usage (user_id) VALUES (p_user) ON CONFLICT DO NOTHING;
  SELECT u.total_bytes INTO v_total FROM vault_usage u WHERE u.user_id = p_user FOR UPDATE;
  SELECT e.size_bytes INTO v_previous FROM vault_entries e WHERE e.user_id = p_user AND e.realm_id = p_realm AND e.key = p_key;
  IF v_total - coalesce(v_previous, 0) + p_size > p_limit THEN
    RETURN QUERY SELECT 'limit'::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::jsonb, NULL::bigint, NULL::timestamptz, NULL::timestamptz;
    RETURN;
  END IF;
  UPDATE vault_usage u SET total_bytes = v_total - coalesce(v_previous, 0) + p_size WHERE u.user_id = p_user;
  RETURN QUERY
    INSERT INTO vault_entries AS e (user_id, realm_id, key, value, metadata, size_bytes, created_at, updated_at)
    VALUES (p_user, p_realm, p_key, p_value, p_metadata, p_size, p_created_at, p_updated_at)
    ON CONFLICT (user_id, realm_id, key) DO UPDATE
      SET value = EXCLUDED.value, metadata = EXCLUDED.metadata, size_bytes = EXCLUDED.size_bytes, updated_at = EXCLUDED.updated_at
    RETURNING CASE WHEN v_previous IS NULL THEN 'created' ELSE 'updated' END, e.user_id, e.realm_id, e.key, e.value,
              e.metadata, e.size_bytes, e.created_at, e.updated_at;
END $$;

-- Deletes one key (p_key) or every key of a realm (p_key NULL) and takes their bytes off the usage; answers how many.
CREATE FUNCTION vault_delete(p_user text, p_realm text, p_key text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  v_count bigint;
  v_bytes bigint;
BEGIN
  PERFORM 1 FROM vault_usage u WHERE u.user_id = p_user FOR UPDATE;
  WITH gone AS (
    DELETE FROM vault_entries e WHERE e.user_id = p_user AND e.realm_id = p_realm AND (p_key IS NULL OR e.key = p_key) RETURNING e.size_bytes
  )
  SELECT count(*), coalesce(sum(gone.size_bytes), 0) INTO v_count, v_bytes FROM gone;
  IF v_count > 0 THEN
    UPDATE vault_usage u SET total_bytes = u.total_bytes - v_bytes WHERE u.user_id = p_user;
  END IF;
  RETURN v_count;
END $$;
