-- Where the tenant's desks look for new versions of Banco (issue 14): the
-- URL of an update manifest (`latest.json`) on the chain's own server or a
-- static folder; NULL: the desks never look. Only admins change it.
ALTER TABLE tenants ADD COLUMN update_endpoint text;
