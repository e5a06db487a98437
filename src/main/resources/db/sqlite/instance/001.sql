-- instance 001: metadata of this installation. Each component (auth, chat, feed) has its own migrations.
CREATE TABLE instance (
  id TEXT PRIMARY KEY,
  created_at INTEGER NOT NULL
);
INSERT INTO instance(id, created_at) VALUES (lower(hex(randomblob(16))), CAST(strftime('%s','now') AS INTEGER) * 1000);
