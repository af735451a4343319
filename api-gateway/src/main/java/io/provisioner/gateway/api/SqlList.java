package io.provisioner.gateway.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Runs a {@link ListQuery} against a table: filters become bound parameters (never SQL text), the
 * order is a whitelisted column, and the answer is a Cloud Controller page.
 *
 * @param from the FROM clause (with joins) and any fixed condition, e.g. {@code "spaces s WHERE TRUE"}
 * @param columns q key or order-by value to its SQL column
 */
public record SqlList(String select, String from, Map<String, String> columns, String tieBreaker) {

    /** The same list with one more condition ANDed to it, e.g. {@code " AND x = ?"}; its parameters follow the fixed ones. */
    public SqlList and(String condition) {
        return condition.isEmpty() ? this : new SqlList(select, from + condition, columns, tieBreaker);
    }

    public <T, R> Page<R> page(JdbcClient jdbc, ListQuery query, List<Object> fixedParams, String path,
            RowMapper<T> rows, Function<T, R> resource) {
        StringBuilder where = new StringBuilder();
        List<Object> params = new ArrayList<>(fixedParams);
        for (ListQuery.Filter filter : query.filters()) {
            String column = columns.get(filter.key());
            if (filter.operator() == ListQuery.Operator.IN) {
                where.append(" AND ").append(column).append(" IN (")
                        .append(String.join(", ", filter.values().stream().map(v -> "?").toList())).append(')');
                params.addAll(filter.values());
            } else {
                where.append(" AND ").append(column).append(' ').append(filter.operator().sql()).append(" ?");
                params.add(filter.values().get(0));
            }
        }
        long total = jdbc.sql("SELECT COUNT(*) FROM " + from + where).params(params).query(Long.class).single();
        String direction = query.descending() ? " DESC" : " ASC";
        List<Object> pageParams = new ArrayList<>(params);
        pageParams.add(query.perPage());
        pageParams.add(query.offset());
        List<R> resources = jdbc.sql("SELECT " + select + " FROM " + from + where + " ORDER BY "
                        + columns.get(query.orderBy()) + direction + ", " + tieBreaker + direction + " LIMIT ? OFFSET ?")
                .params(pageParams).query(rows).list().stream().map(resource).toList();
        return Page.of(total, query, path, resources);
    }
}
