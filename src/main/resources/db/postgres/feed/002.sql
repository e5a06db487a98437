-- feed 002: feeds an administrator paused (POST /api/feeds/{feed}/pause), configured or added at run time:
-- their sources stay stopped and publishes are refused until resumed, also after a restart.
CREATE TABLE feed_pauses (
  name TEXT PRIMARY KEY,
  paused_by TEXT NOT NULL,
  paused_at BIGINT NOT NULL
);
