-- chat 001: chat rooms and their messages. Messages keep the author's name as it was, so history
-- survives an account's deletion; (user_id, client_id) makes a client's retries idempotent.
CREATE TABLE chat_rooms (
  name TEXT PRIMARY KEY,
  created_by INTEGER,
  created_at INTEGER NOT NULL
);
INSERT INTO chat_rooms(name, created_by, created_at) VALUES ('general', NULL, 0);
CREATE TABLE chat_messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  room TEXT NOT NULL REFERENCES chat_rooms(name),
  user_id INTEGER NOT NULL,
  username TEXT NOT NULL,
  client_id TEXT NOT NULL,
  text TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  edited_at INTEGER,
  deleted_at INTEGER
);
CREATE UNIQUE INDEX chat_messages_client ON chat_messages(user_id, client_id);
CREATE INDEX chat_messages_room ON chat_messages(room, id);
