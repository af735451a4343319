package io.provisioner.local;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every PromQL query operators rely on: each alert rule's expression and each Grafana panel's target, as
 * a query that must return series once both apps have done some work.
 */
final class MonitoringQueries {

    static final Path DASHBOARD = RealPrometheus.DEPLOY.resolve("grafana/provisioner.json");

    /** A trailing threshold ({@code > 0}, {@code >= 10}): what remains shows the series the alert watches. */
    private static final Pattern THRESHOLD = Pattern.compile("\\s*(>=|<=|==|!=|>|<)\\s*-?[0-9.]+(?![0-9A-Za-z_\\]])");

    record Query(String source, String promql) {
    }

    private MonitoringQueries() {
    }

    /** The alert expressions without their thresholds: an alert quiet today must still watch real series. */
    @SuppressWarnings("unchecked")
    static List<Query> alerts() throws IOException {
        List<Query> queries = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(RealPrometheus.ALERTS)) {
            Map<String, Object> file = new Yaml().load(reader);
            for (Map<String, Object> group : (List<Map<String, Object>>) file.get("groups")) {
                for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                    queries.add(new Query("alert " + rule.get("alert"),
                            THRESHOLD.matcher((String) rule.get("expr")).replaceAll("")));
                }
            }
        }
        return queries;
    }

    /** Each panel target, with Grafana's variables as "All" and a one-minute rate interval. */
    static List<Query> dashboardPanels() throws IOException {
        List<Query> queries = new ArrayList<>();
        JsonNode dashboard = JsonMapper.builder().build().readTree(DASHBOARD.toFile());
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.path("targets")) {
                String promql = target.get("expr").asString().replace("$__rate_interval", "1m")
                        .replace("$broker", ".*").replace("$plan", ".*");
                queries.add(new Query("panel \"" + panel.get("title").asString() + "\" " + target.get("refId").asString(),
                        promql));
            }
        }
        for (JsonNode variable : dashboard.at("/templating/list")) {
            if (variable.path("type").asString().equals("query")) {
                String definition = variable.get("definition").asString();
                // label_values(<selector>, <label>): the selector must find series that carry the label
                String inner = definition.substring("label_values(".length(), definition.lastIndexOf(','));
                String label = definition.substring(definition.lastIndexOf(',') + 1, definition.length() - 1).trim();
                queries.add(new Query("variable $" + variable.get("name").asString(),
                        "count by (" + label + ") (" + inner.replace("$broker", ".*") + ")"));
            }
        }
        return queries;
    }
}
