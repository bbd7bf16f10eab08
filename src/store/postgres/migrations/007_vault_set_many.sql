-- One user's queued vault writes in one call and one commit (vault-write-queue.ts): the same steps as vault_set
-- (migration 003) for each write in order, under one lock of the user's vault_usage row, each with its own outcome.
-- Later writes see earlier ones (the same key may come twice); a write over the limit is refused alone and the
-- others go on. The usage total is written once, at the end. vault_set stays for processes of the previous release
-- during a rolling upgrade.

CREATE FUNCTION vault_set_many(p_user text, p_realms text[], p_keys text[], p_values text[], p_metadata jsonb[], p_sizes bigint[],
                               p_created_at timestamptz[], p_updated_at timestamptz[], p_limits bigint[])
RETURNS TABLE (ordinal integer, outcome text, user_id text, realm_id text, key text, value text, metadata jsonb, size_bytes bigint,
               created_at timestamptz, updated_at timestamptz)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  v_total bigint;
  v_previous bigint;
BEGIN
  INSERT INTO vault_usage (user_id) VALUES (p_user) ON CONFLICT DO NOTHING;
  SELECT u.total_bytes INTO v_total FROM vault_usage u WHERE u.user_id = p_user FOR UPDATE;
  FOR i IN 1 .. coalesce(cardinality(p_keys), 0) LOOP
    SELECT e.size_bytes INTO v_previous FROM vault_entries e WHERE e.user_id = p_user AND e.realm_id = p_realms[i] AND e.key = p_keys[i];
    IF v_total - coalesce(v_previous, 0) + p_sizes[i] > p_limits[i] THEN
      RETURN QUERY SELECT i, 'limit'::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::jsonb, NULL::bigint, NULL::timestamptz, NULL::timestamptz;
      CONTINUE;
    END IF;
    v_total := v_total - coalesce(v_previous, 0) + p_sizes[i];
    RETURN QUERY
      INSERT INTO vault_entries AS e (user_id, realm_id, key, value, metadata, size_bytes, created_at, updated_at)
      VALUES (p_user, p_realms[i], p_keys[i], p_values[i], p_metadata[i], p_sizes[i], p_created_at[i], p_updated_at[i])
      ON CONFLICT (user_id, realm_id, key) DO UPDATE
        SET value = EXCLUDED.value, metadata = EXCLUDED.metadata, size_bytes = EXCLUDED.size_bytes, updated_at = EXCLUDED.updated_at
      RETURNING i, CASE WHEN v_previous IS NULL THEN 'created' ELSE 'updated' END, e.user_id, e.realm_id, e.key, e.value,
                e.metadata, e.size_bytes, e.created_at, e.updated_at;
  END LOOP;
  UPDATE vault_usage u SET total_bytes = v_total WHERE u.user_id = p_user;
END $$;
