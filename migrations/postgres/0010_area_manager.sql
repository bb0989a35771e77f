-- Area managers: a role that manages a set of stores (`user_stores`).
-- Their group role `banco_area_manager` exists since `banco admin init`;
-- the row security (store/row_security.sql) gives them their stores'
-- leads and deals.
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
    CHECK (role IN ('staff', 'store_manager', 'area_manager', 'admin'));
-- The stores an area manager manages (their home store is one of them).
CREATE TABLE user_stores (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    user_id uuid NOT NULL,
    store_id uuid NOT NULL,
    PRIMARY KEY (tenant_id, user_id, store_id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id),
    FOREIGN KEY (tenant_id, store_id) REFERENCES stores (tenant_id, id)
);
