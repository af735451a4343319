package io.provisioner.gateway.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Cloud Controller's resource shape: {@code {metadata, entity}}. */
public record Resource<E>(Metadata metadata, E entity) {

    /** Metadata from a row with {@code guid}, {@code created_at} and {@code updated_at} columns. */
    public static Metadata metadata(String collection, java.sql.ResultSet rs) throws java.sql.SQLException {
        String guid = rs.getString("guid");
        return new Metadata(guid, collection + "/" + guid,
                CfTime.format(rs.getObject("created_at", java.time.OffsetDateTime.class)),
                CfTime.format(rs.getObject("updated_at", java.time.OffsetDateTime.class)));
    }

    public record Metadata(
            String guid,
            String url,
            @JsonProperty("created_at") String createdAt,
            @JsonProperty("updated_at") String updatedAt) {
    }
}
