-- vault.getStats in constant time: each (user, realm)'s key count and bytes, kept by statement-level triggers on
-- vault_entries in the same transaction as the entries, whoever writes them. The vault functions (migration 003)
-- lock the user's vault_usage row before any entry, so these rows are written under that lock too: one lock order.

CREATE TABLE vault_realm_usage (
  user_id  text   NOT NULL,
  realm_id text   NOT NULL,
  keys     bigint NOT NULL,
  bytes    bigint NOT NULL,
  PRIMARY KEY (user_id, realm_id)
);

CREATE FUNCTION vault_realm_usage_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO vault_realm_usage AS u (user_id, realm_id, keys, bytes)
    SELECT a.user_id, a.realm_id, count(*), sum(a.size_bytes) FROM added a GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (user_id, realm_id) DO UPDATE SET keys = u.keys + EXCLUDED.keys, bytes = u.bytes + EXCLUDED.bytes;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE vault_realm_usage u SET keys = u.keys - g.keys, bytes = u.bytes - g.bytes
    FROM (SELECT r.user_id, r.realm_id, count(*) AS keys, sum(r.size_bytes) AS bytes FROM removed r GROUP BY 1, 2) g
    WHERE u.user_id = g.user_id AND u.realm_id = g.realm_id;
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION vault_realm_usage_clear() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE vault_realm_usage;
  RETURN NULL;
END $$;

-- A trigger with transition tables serves one event, so there are three, sharing one function.
CREATE TRIGGER vault_realm_usage_on_insert AFTER INSERT ON vault_entries
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION vault_realm_usage_change();
CREATE TRIGGER vault_realm_usage_on_update AFTER UPDATE ON vault_entries
  REFERENCING OLD TABLE AS removed NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION vault_realm_usage_change();
CREATE TRIGGER vault_realm_usage_on_delete AFTER DELETE ON vault_entries
  REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION vault_realm_usage_change();
CREATE TRIGGER vault_realm_usage_on_truncate AFTER TRUNCATE ON vault_entries
  FOR EACH STATEMENT EXECUTE FUNCTION vault_realm_usage_clear();

INSERT INTO vault_realm_usage (user_id, realm_id, keys, bytes)
SELECT user_id, realm_id, count(*), sum(size_bytes) FROM vault_entries GROUP BY 1, 2;
