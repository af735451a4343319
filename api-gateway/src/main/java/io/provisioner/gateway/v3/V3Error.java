package io.provisioner.gateway.v3;

import java.util.List;
import java.util.Map;

import org.springframework.http.ResponseEntity;

/** Cloud Controller v3's error body: {@code {"errors": [{"detail", "title", "code"}]}}. */
public final class V3Error {

    private V3Error() {
    }

    public static ResponseEntity<Map<String, Object>> answer(int status, String title, int code, String detail) {
        return ResponseEntity.status(status)
                .body(Map.of("errors", List.of(Map.of("detail", detail, "title", title, "code", code))));
    }

    public static ResponseEntity<Map<String, Object>> notFound() {
        return answer(404, "CF-NotFound", 10000, "Unknown request");
    }
}
