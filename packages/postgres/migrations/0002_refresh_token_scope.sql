-- The session's narrowed scope (a `scope` asked for at login or refresh: RFC 6749 §3.3): kept with
-- each refresh token of the family, so that a refresh never widens the session again.
ALTER TABLE refresh_tokens ADD COLUMN scope text;
