-- Sign-in: every person signs in as themselves. `login` is unique in the
-- whole database (a login belongs to exactly one tenant) and stored in
-- lower case; `password_hash` is an Argon2id PHC string (never the
-- password); repeated wrong passwords lock the login for a while
-- (`failed_sign_ins`, `locked_until`, UTC). A tenant's desks lock after
-- `idle_lock_minutes` without use (0 = never).
ALTER TABLE users ADD COLUMN login text;
ALTER TABLE users ADD COLUMN password_hash text;
ALTER TABLE users ADD COLUMN failed_sign_ins integer NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN locked_until timestamptz;
CREATE UNIQUE INDEX users_login ON users (login);
ALTER TABLE tenants ADD COLUMN idle_lock_minutes integer NOT NULL DEFAULT 10;
