-- instance 001: metadata of this installation. Each component (auth, chat, feed) has its own migrations.
CREATE TABLE instance (
  id TEXT PRIMARY KEY,
  created_at BIGINT NOT NULL
);
INSERT INTO instance(id, created_at)
  VALUES (replace(gen_random_uuid()::text, '-', ''), (extract(epoch FROM now()) * 1000)::bigint);
