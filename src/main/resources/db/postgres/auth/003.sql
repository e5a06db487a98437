-- auth 003: server secrets shared by every process and node on this store, created on first use:
-- "stream-url" signs the expiring stream URL tokens (auth/StreamTokens), so any node verifies what any node minted.
CREATE TABLE signing_keys (
  name TEXT PRIMARY KEY,
  secret TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
