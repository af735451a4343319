package io.provisioner.gateway.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Cloud Controller's resource shape: {@code {metadata, entity}}. */
public record Resource<E>(Metadata metadata, E entity) {

    public record Metadata(
            String guid,
            String url,
            @JsonProperty("created_at") String createdAt,
            @JsonProperty("updated_at") String updatedAt) {
    }
}
