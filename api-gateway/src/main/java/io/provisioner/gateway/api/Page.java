package io.provisioner.gateway.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** Cloud Controller's list envelope. */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Page<T>(
        @JsonProperty("total_results") long totalResults,
        @JsonProperty("total_pages") long totalPages,
        @JsonProperty("prev_url") String prevUrl,
        @JsonProperty("next_url") String nextUrl,
        List<T> resources) {

    public static <T> Page<T> of(long total, ListQuery request, String path, List<T> resources) {
        long pages = total == 0 ? 0 : (total + request.perPage() - 1) / request.perPage();
        String prev = request.page() > 1 ? request.url(path, request.page() - 1) : null;
        String next = request.page() < pages ? request.url(path, request.page() + 1) : null;
        return new Page<>(total, pages, prev, next, resources);
    }
}
