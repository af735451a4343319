-- Cloud Controller's roles: who may do what in which space or organization. user_id is the token's
-- user_id (UAA's user guid), or a client id for client tokens.
CREATE TABLE space_roles (
    space_guid VARCHAR(36)  NOT NULL REFERENCES spaces (guid),
    user_id    VARCHAR(255) NOT NULL,
    role       VARCHAR(16)  NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (space_guid, user_id, role)
);
CREATE INDEX space_roles_user ON space_roles (user_id);

CREATE TABLE organization_roles (
    organization_guid VARCHAR(36)  NOT NULL REFERENCES organizations (guid),
    user_id           VARCHAR(255) NOT NULL,
    role              VARCHAR(16)  NOT NULL,
    created_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (organization_guid, user_id, role)
);
CREATE INDEX organization_roles_user ON organization_roles (user_id);
