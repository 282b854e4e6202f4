-- The session revocation stream: every change that ends a session notifies
-- `trackr_session_revoked` in the transaction that makes it, so PostgreSQL delivers it on commit
-- (and never for a rolled-back change) to every replica's listener (src/events/revocations.ts),
-- which evicts the session or user from its in-memory live-session state (src/auth/session-state.ts).
-- Payloads: 's:<session id>' (one session ended) and 'u:<user id>' (all of a user's tokens: log out
-- everywhere, password change, deactivation, deletion). Identical payloads of one transaction are
-- folded into one by PostgreSQL.

CREATE FUNCTION "session_revoked_notify"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('trackr_session_revoked', 's:' || OLD.id::text);
  RETURN NULL;
END
$$;

CREATE FUNCTION "user_revoked_notify"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('trackr_session_revoked', 'u:' || OLD.id::text);
  RETURN NULL;
END
$$;

-- A session ends when it is revoked (log out, a reused refresh token) or deleted.
CREATE TRIGGER "refresh_sessions_revoked_notify" AFTER UPDATE OF "revoked_at" ON "refresh_sessions"
  FOR EACH ROW WHEN (OLD."revoked_at" IS NULL AND NEW."revoked_at" IS NOT NULL)
  EXECUTE FUNCTION "session_revoked_notify"();

CREATE TRIGGER "refresh_sessions_deleted_notify" AFTER DELETE ON "refresh_sessions"
  FOR EACH ROW WHEN (OLD."revoked_at" IS NULL)
  EXECUTE FUNCTION "session_revoked_notify"();

-- All of a user's sessions end when the account is deactivated or deleted, or its token version
-- moves (log out everywhere, password change).
CREATE TRIGGER "users_revoked_notify" AFTER UPDATE OF "is_active", "token_version" ON "users"
  FOR EACH ROW WHEN ((OLD."is_active" AND NOT NEW."is_active") OR OLD."token_version" IS DISTINCT FROM NEW."token_version")
  EXECUTE FUNCTION "user_revoked_notify"();

CREATE TRIGGER "users_deleted_notify" AFTER DELETE ON "users"
  FOR EACH ROW EXECUTE FUNCTION "user_revoked_notify"();
