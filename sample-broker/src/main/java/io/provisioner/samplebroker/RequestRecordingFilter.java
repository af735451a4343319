package io.provisioner.samplebroker;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.StringNode;

/**
 * Records every request before auth runs, so tests also see the ones the broker rejected.
 * The admin and actuator endpoints are left out: they are the observer, not the observed.
 * Credentials are never kept: the {@code Authorization} header is recorded as its scheme only.
 */
@Component
@Order(1)
class RequestRecordingFilter extends OncePerRequestFilter {

    private final RequestLog log;
    private final JsonMapper mapper;
    private final Clock clock;

    RequestRecordingFilter(RequestLog log, JsonMapper mapper, Clock clock) {
        this.log = log;
        this.mapper = mapper;
        this.clock = clock;
    }

    static String path(HttpServletRequest request) {
        return request.getRequestURI().substring(request.getContextPath().length());
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = path(request);
        return path.startsWith("/admin/") || path.startsWith("/actuator");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        byte[] body = request.getInputStream().readAllBytes();
        log.add(new RequestLog.Entry(request.getMethod(), path(request), request.getQueryString(),
                headers(request), parse(body), clock.instant().toString()));
        chain.doFilter(new CachedBodyRequest(request, body), response);
    }

    static final String REDACTED = "[REDACTED]";

    private static Map<String, String> headers(HttpServletRequest request) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Enumeration<String> names = request.getHeaderNames(); names.hasMoreElements();) {
            String name = names.nextElement().toLowerCase(Locale.ROOT);
            String value = String.join(", ", java.util.Collections.list(request.getHeaders(name)));
            headers.put(name, name.equals("authorization") || name.equals("proxy-authorization") ? redacted(value) : value);
        }
        return headers;
    }

    /** {@code Basic [REDACTED]}: the scheme tells what the caller tried, the credentials stay out. */
    static String redacted(String authorization) {
        int space = authorization.indexOf(' ');
        return space > 0 ? authorization.substring(0, space) + " " + REDACTED : REDACTED;
    }

    private JsonNode parse(byte[] body) {
        if (body.length == 0) {
            return null;
        }
        try {
            return mapper.readTree(body);
        } catch (JacksonException e) {
            return StringNode.valueOf(new String(body, StandardCharsets.UTF_8));
        }
    }

    /** Serves the already-read body again to the rest of the chain. */
    private static final class CachedBodyRequest extends HttpServletRequestWrapper {

        private final byte[] body;

        CachedBodyRequest(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("The body is already read");
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            String encoding = getCharacterEncoding();
            return new BufferedReader(new InputStreamReader(getInputStream(),
                    encoding != null ? java.nio.charset.Charset.forName(encoding) : StandardCharsets.UTF_8));
        }
    }
}
