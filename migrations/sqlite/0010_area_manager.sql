-- Area managers: a role that manages a set of stores (`user_stores`), so
-- the role check of `users` widens. SQLite cannot alter a CHECK: the table
-- is rebuilt by SQLite's own procedure (https://www.sqlite.org/lang_altertable.html,
-- "Making Other Kinds Of Table Schema Changes"): the new table filled, the
-- old dropped, the new renamed (the other tables' references name `users`
-- and find the new one), the indexes made again. `Db::ready` runs the
-- migrations with foreign keys off (a PRAGMA is a no-op inside the
-- transaction sqlx wraps each in) and checks every key after.
CREATE TABLE users_rebuilt (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    id BLOB NOT NULL,
    display_name TEXT NOT NULL,
    email TEXT,
    role TEXT NOT NULL CHECK (role IN ('staff', 'store_manager', 'area_manager', 'admin')),
    store_id BLOB,
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    login TEXT,
    password_hash TEXT,
    failed_sign_ins INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, email),
    FOREIGN KEY (tenant_id, store_id) REFERENCES stores (tenant_id, id)
);
INSERT INTO users_rebuilt (tenant_id, id, display_name, email, role, store_id, active,
                           created_at, login, password_hash, failed_sign_ins, locked_until)
SELECT tenant_id, id, display_name, email, role, store_id, active,
       created_at, login, password_hash, failed_sign_ins, locked_until
  FROM users;
DROP TABLE users;
ALTER TABLE users_rebuilt RENAME TO users;
CREATE UNIQUE INDEX users_login ON users (login);
-- The stores an area manager manages (their home store is one of them).
CREATE TABLE user_stores (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    user_id BLOB NOT NULL,
    store_id BLOB NOT NULL,
    PRIMARY KEY (tenant_id, user_id, store_id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id),
    FOREIGN KEY (tenant_id, store_id) REFERENCES stores (tenant_id, id)
);
