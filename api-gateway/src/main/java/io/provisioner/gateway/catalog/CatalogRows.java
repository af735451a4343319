package io.provisioner.gateway.catalog;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;

import io.provisioner.gateway.api.Resource;

/** The v2 shapes of organizations and spaces, for the features that list them (a user's organizations). */
public final class CatalogRows {

    /** Columns each mapper reads. */
    public static final String ORGANIZATION_COLUMNS = "o.guid, o.name, o.created_at, o.updated_at";
    public static final String SPACE_COLUMNS = "s.guid, s.name, s.organization_guid, s.created_at, s.updated_at";

    private CatalogRows() {
    }

    public static Resource<Map<String, Object>> organization(ResultSet rs, int n) throws SQLException {
        return OrganizationController.row(rs, n);
    }

    public static Resource<Map<String, Object>> space(ResultSet rs, int n) throws SQLException {
        return SpaceController.row(rs, n);
    }
}
