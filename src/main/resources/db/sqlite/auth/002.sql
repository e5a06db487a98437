-- auth 002: rights granted to accounts beyond their role's defaults, e.g. "broadcast:video/*".
CREATE TABLE grants (
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  grant_text TEXT NOT NULL,
  PRIMARY KEY (user_id, grant_text)
);
