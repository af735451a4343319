-- Service access as in Cloud Controller: a plan is public, or visible to the organizations named in
-- service_plan_visibilities. Plans a broker adds from now on start private; the plans that exist already
-- stay usable as they were (public).
ALTER TABLE service_plans ADD COLUMN is_public BOOLEAN DEFAULT FALSE NOT NULL;
UPDATE service_plans SET is_public = TRUE;

CREATE TABLE service_plan_visibilities (
    guid              VARCHAR(36) PRIMARY KEY,
    service_plan_guid VARCHAR(36) NOT NULL REFERENCES service_plans (guid),
    organization_guid VARCHAR(36) NOT NULL REFERENCES organizations (guid),
    created_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at        TIMESTAMP WITH TIME ZONE,
    CONSTRAINT service_plan_visibilities_unique UNIQUE (service_plan_guid, organization_guid)
);
CREATE INDEX service_plan_visibilities_organization ON service_plan_visibilities (organization_guid);

-- Cloud Controller's users: the guid is the UAA user id (or a client id). Everyone who holds a role is one.
CREATE TABLE cc_users (
    guid       VARCHAR(255) PRIMARY KEY,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE
);
INSERT INTO cc_users (guid, created_at)
SELECT user_id, MIN(created_at) FROM (
    SELECT user_id, created_at FROM organization_roles
    UNION ALL
    SELECT user_id, created_at FROM space_roles) roles
GROUP BY user_id;

-- Users the local token issuer's SCIM endpoint created (their BCrypt hash is in user_passwords).
CREATE TABLE scim_users (
    id         VARCHAR(36)  PRIMARY KEY,
    username   VARCHAR(255) NOT NULL UNIQUE,
    email      VARCHAR(255),
    created_at TIMESTAMP WITH TIME ZONE NOT NULL
);
