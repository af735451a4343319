package io.provisioner.gateway.api;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Cloud Controller list request: {@code page}, {@code results-per-page} (default 50, at most 100),
 * {@code order-direction}, {@code order-by} and any number of {@code q} filters, which are ANDed.
 * A filter is {@code key:value}, {@code key>=value}, {@code key<=value}, {@code key<value},
 * {@code key>value} or {@code key IN a,b}.
 */
public record ListQuery(int page, int perPage, boolean descending, String orderBy, List<Filter> filters,
        List<String> rawQ) {

    public static final int DEFAULT_PER_PAGE = 50;
    public static final int MAX_PER_PAGE = 100;

    /** The first row a page may start at: far beyond any real list, and within what every database takes. */
    public static final long MAX_OFFSET = Integer.MAX_VALUE;

    private static final Pattern FILTER = Pattern.compile("^([a-z_]+)( IN |>=|<=|:|<|>)(.*)$");

    public enum Operator {
        EQ(":", "="), GE(">=", ">="), LE("<=", "<="), LT("<", "<"), GT(">", ">"), IN(" IN ", "IN");

        private final String wire;
        private final String sql;

        Operator(String wire, String sql) {
            this.wire = wire;
            this.sql = sql;
        }

        public String sql() {
            return sql;
        }

        static Operator fromWire(String wire) {
            return Arrays.stream(values()).filter(o -> o.wire.equals(wire)).findFirst().orElseThrow();
        }
    }

    public record Filter(String key, Operator operator, List<String> values) {
    }

    /**
     * @param query every query parameter with all its values
     * @param filterable the {@code q} keys this list understands
     * @param orderable the {@code order-by} values this list understands; the first is the default
     */
    public static ListQuery parse(Map<String, String[]> query, List<String> filterable, List<String> orderable) {
        int page = positive(single(query, "page"), 1, "page");
        int perPage = positive(single(query, "results-per-page"), DEFAULT_PER_PAGE, "results-per-page");
        if (perPage > MAX_PER_PAGE) {
            throw bad("results-per-page must be less than or equal to " + MAX_PER_PAGE);
        }
        if ((long) (page - 1) * perPage > MAX_OFFSET) {
            throw bad("page must be at most " + (MAX_OFFSET / perPage + 1) + " with results-per-page " + perPage);
        }
        String direction = single(query, "order-direction");
        if (direction != null && !direction.equals("asc") && !direction.equals("desc")) {
            throw bad("order-direction must be 'asc' or 'desc'");
        }
        String orderBy = single(query, "order-by");
        if (orderBy == null) {
            orderBy = orderable.get(0);
        } else if (!orderable.contains(orderBy)) {
            throw bad("cannot order by '" + orderBy + "'; valid: " + String.join(", ", orderable));
        }
        List<Filter> filters = new ArrayList<>();
        List<String> rawQ = query.containsKey("q") ? List.of(query.get("q")) : List.of();
        for (String q : rawQ) {
            for (String part : q.split(";")) {
                filters.add(filter(part, filterable));
            }
        }
        return new ListQuery(page, perPage, "desc".equals(direction), orderBy, List.copyOf(filters), rawQ);
    }

    private static Filter filter(String text, List<String> filterable) {
        Matcher m = FILTER.matcher(text);
        if (!m.matches()) {
            throw bad("q must look like key:value, key>=value or key IN a,b; got '" + text + "'");
        }
        String key = m.group(1);
        if (!filterable.contains(key)) {
            throw bad("q cannot filter by '" + key + "'; valid: " + String.join(", ", filterable));
        }
        Operator operator = Operator.fromWire(m.group(2));
        List<String> values = operator == Operator.IN ? List.of(m.group(3).split(",", -1)) : List.of(m.group(3));
        return new Filter(key, operator, values);
    }

    private static String single(Map<String, String[]> query, String name) {
        String[] values = query.get(name);
        if (values == null || values.length == 0) {
            return null;
        }
        if (values.length > 1) {
            throw bad(name + " may be given only once");
        }
        return values[0];
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
        throw bad(name + " must be a positive integer");
    }

    private static CfException bad(String detail) {
        return CfError.BAD_QUERY_PARAMETER.exception("The query parameter is invalid: " + detail);
    }

    public long offset() {
        return (long) (page - 1) * perPage;
    }

    /** The same list at another page, with every filter kept. */
    String url(String path, int targetPage) {
        StringBuilder url = new StringBuilder(path).append("?order-direction=").append(descending ? "desc" : "asc")
                .append("&page=").append(targetPage).append("&results-per-page=").append(perPage);
        for (String q : rawQ) {
            url.append("&q=").append(URLEncoder.encode(q, StandardCharsets.UTF_8));
        }
        return url.toString();
    }
}
