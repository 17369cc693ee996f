-- Password-protected links: the Argon2id hash of the link's password, never the password.
-- NULL: the link redirects without one.
ALTER TABLE links ADD COLUMN password_hash TEXT;
