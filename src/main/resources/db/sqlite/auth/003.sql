-- auth 003: a counter bumped in the same transaction as every change that ends a login (new password,
-- deleted account, logout, revoked token), so every process on this store sees such changes within a
-- second (RevocationCheck), whatever the backend; and an index for case-insensitive name lookups.
CREATE TABLE auth_changes (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  epoch INTEGER NOT NULL
);
INSERT INTO auth_changes(id, epoch) VALUES (1, 0);
CREATE INDEX users_username_lower ON users(lower(username));
