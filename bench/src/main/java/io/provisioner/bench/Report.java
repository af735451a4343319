package io.provisioner.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import tools.jackson.databind.SerializationFeature;

/** The run's findings, as Markdown for people and as JSON for comparing runs. */
final class Report {

    private final Map<String, Object> json = new LinkedHashMap<>();
    private final StringBuilder markdown = new StringBuilder();

    void title(String text) {
        markdown.append("# ").append(text).append("\n\n");
    }

    void section(String heading) {
        markdown.append("## ").append(heading).append("\n\n");
    }

    void line(String text) {
        markdown.append(text).append("\n");
    }

    void table(List<String> header, List<List<Object>> rows) {
        markdown.append("| ").append(String.join(" | ", header)).append(" |\n|");
        header.forEach(h -> markdown.append("---|"));
        markdown.append("\n");
        for (List<Object> row : rows) {
            List<String> cells = new ArrayList<>();
            row.forEach(cell -> cells.add(format(cell)));
            markdown.append("| ").append(String.join(" | ", cells)).append(" |\n");
        }
        markdown.append("\n");
    }

    void put(String key, Object value) {
        json.put(key, value);
    }

    String markdown() {
        return markdown.toString();
    }

    void writeJson(Path file) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        Files.writeString(file, Api.JSON.rebuild().enable(SerializationFeature.INDENT_OUTPUT).build()
                .writeValueAsString(json));
    }

    static String format(Object cell) {
        if (cell instanceof Double d) {
            if (d.isNaN()) {
                return "–";
            }
            return Math.abs(d) >= 100 ? String.format(Locale.ROOT, "%,.0f", d) : String.format(Locale.ROOT, "%.1f", d);
        }
        if (cell instanceof Long || cell instanceof Integer) {
            return String.format(Locale.ROOT, "%,d", ((Number) cell).longValue());
        }
        return String.valueOf(cell);
    }

    /** The nearest-rank percentile of the values (0–100), or NaN when there are none. */
    static double percentile(List<Double> values, double percentile) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int rank = (int) Math.ceil(percentile / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }
}
