-- 005: samples of feeds that ask for persistence ("persist": true), kept for the feed's history window.
CREATE TABLE feed_samples (
  feed TEXT NOT NULL,
  ts INTEGER NOT NULL,
  sample TEXT NOT NULL
);
CREATE INDEX feed_samples_feed_ts ON feed_samples(feed, ts);
