-- feed 001: samples of feeds that ask for persistence ("persist": true), kept for the feed's history window.
CREATE TABLE feed_samples (
  feed TEXT NOT NULL,
  ts INTEGER NOT NULL,
  sample TEXT NOT NULL
);
CREATE INDEX feed_samples_feed_ts ON feed_samples(feed, ts);
-- Feeds that admins added at run time (POST /api/feeds); feeds from the configuration are not stored.
CREATE TABLE feed_specs (
  name TEXT PRIMARY KEY,
  spec TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
