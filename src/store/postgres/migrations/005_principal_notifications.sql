-- Each server process caches users and API tokens for authentication (principal-cache.ts). Any change to what
-- authentication reads, by any process or by hand, notifies every process listening on this schema's channel when
-- its transaction commits, naming the user id or the token digest to forget. A token's last use
-- (`last_used_at`, `last_used_ip`) and a user's last TOTP step are not read by authentication and notify nothing.

CREATE FUNCTION notify_principal_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'users' THEN
    PERFORM pg_notify('hoody_principals:' || TG_TABLE_SCHEMA, 'user:' || OLD.id);
  ELSE
    PERFORM pg_notify('hoody_principals:' || TG_TABLE_SCHEMA, 'token:' || OLD.token_digest);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER users_notify_change
  AFTER UPDATE OF id, username, alias, email, public_key, is_admin, is_banned, metadata, password_hash, totp_secret, created_at, updated_at
  OR DELETE ON users FOR EACH ROW EXECUTE FUNCTION notify_principal_change();
CREATE TRIGGER auth_tokens_notify_change
  AFTER UPDATE OF id, user_id, alias, token_digest, public_key, public_storage, ip_whitelist, realm_ids, allow_no_realm, permissions,
                  expires_at, is_enabled, vault_access, event_access, created_at, updated_at
  OR DELETE ON auth_tokens FOR EACH ROW EXECUTE FUNCTION notify_principal_change();
