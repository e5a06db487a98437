-- auth 004: an administrator may disable an account (1) and enable it again (0): a disabled account
-- cannot log in, and its sessions and tokens stand for nothing while it is disabled.
ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;
