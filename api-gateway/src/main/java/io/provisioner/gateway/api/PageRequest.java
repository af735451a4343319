package io.provisioner.gateway.api;

import java.util.Map;

/** {@code page}, {@code results-per-page} and {@code order-direction}, validated as Cloud Controller does. */
public record PageRequest(int page, int perPage, boolean descending) {

    public static final int DEFAULT_PER_PAGE = 50;
    public static final int MAX_PER_PAGE = 100;

    public static PageRequest from(Map<String, String> query) {
        int page = positive(query.get("page"), 1, "page");
        int perPage = positive(query.get("results-per-page"), DEFAULT_PER_PAGE, "results-per-page");
        if (perPage > MAX_PER_PAGE) {
            throw CfError.BAD_QUERY_PARAMETER.exception(
                    "The query parameter is invalid: results-per-page must be less than or equal to " + MAX_PER_PAGE);
        }
        String direction = query.getOrDefault("order-direction", "asc");
        if (!direction.equals("asc") && !direction.equals("desc")) {
            throw CfError.BAD_QUERY_PARAMETER.exception(
                    "The query parameter is invalid: order-direction must be 'asc' or 'desc'");
        }
        return new PageRequest(page, perPage, direction.equals("desc"));
    }

    private static int positive(String value, int fallback, String name) {
        if (value == null) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed >= 1) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw CfError.BAD_QUERY_PARAMETER.exception("The query parameter is invalid: " + name + " must be a positive integer");
    }

    public int offset() {
        return (page - 1) * perPage;
    }

    String url(String path, int targetPage) {
        return path + "?order-direction=" + (descending ? "desc" : "asc") + "&page=" + targetPage
                + "&results-per-page=" + perPage;
    }
}
