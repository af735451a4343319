package io.provisioner.gateway.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Shapes every request the way Cloud Controller reads it:
 * <ul>
 * <li>bodies over a size limit are refused with 413 in the CF envelope: at once when the declared
 * length is too big, and while reading when a body without a length grows past it;</li>
 * <li>parameters come from the query string only. Cloud Controller's own documented curl sends a JSON
 * body as {@code application/x-www-form-urlencoded}; the servlet container would otherwise parse that
 * body as form fields and the JSON would be gone;</li>
 * <li>a Content-Type that is a form, a wildcard or unparseable is treated as absent.</li>
 * </ul>
 */
@Component
@org.springframework.core.annotation.Order(org.springframework.core.Ordered.HIGHEST_PRECEDENCE + 10)
class RequestGuard extends OncePerRequestFilter {

    private final long limit;

    RequestGuard(@Value("${provisioner.gateway.max-request-bytes:1048576}") long limit) {
        this.limit = limit;
    }

    /** Thrown while reading a body that grew past the limit. */
    static final class TooLarge extends IOException {
        TooLarge(long limit) {
            super("The request body is larger than " + limit + " bytes", null);
        }
    }

    static String description(long limit) {
        return "The request body is larger than " + limit + " bytes";
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getContentLengthLong() > limit) {
            refuse(response, CfError.REQUEST_TOO_LARGE, description(limit));
            return;
        }
        if (request.getRequestURI().startsWith("/oauth/")) {
            // The token endpoint really takes a form (OAuth 2.0): only the size limit applies there.
            chain.doFilter(new Limited(request, limit, true, request.getParameterMap()), response);
            return;
        }
        java.util.Map<String, String[]> parameters = queryParameters(request.getQueryString());
        if (parameters.entrySet().stream().anyMatch(e -> e.getKey().indexOf('\u0000') >= 0
                || java.util.Arrays.stream(e.getValue()).anyMatch(v -> v.indexOf('\u0000') >= 0))) {
            // No name or guid holds a NUL, and PostgreSQL could not even compare one.
            refuse(response, CfError.INVALID_REQUEST, "The request is invalid: a query parameter contains a NUL character");
            return;
        }
        if (parameters.entrySet().stream().anyMatch(e -> e.getKey().indexOf(NOT_UTF8) >= 0
                || java.util.Arrays.stream(e.getValue()).anyMatch(v -> v.indexOf(NOT_UTF8) >= 0))) {
            refuse(response, CfError.INVALID_REQUEST, "The request is invalid: a query parameter is not valid UTF-8");
            return;
        }
        chain.doFilter(new Limited(request, limit, usableContentType(request.getContentType()), parameters), response);
    }

    /**
     * Cloud Controller reads a JSON body whatever the Content-Type says (its own docs send JSON as
     * form-urlencoded), so a type that cannot even be parsed, or a wildcard, is treated as absent
     * rather than failing the request.
     */
    static boolean usableContentType(String contentType) {
        if (contentType == null) {
            return true;
        }
        try {
            org.springframework.http.MediaType type = org.springframework.http.MediaType.parseMediaType(contentType);
            return !type.isWildcardType() && !type.isWildcardSubtype()
                    && !type.isCompatibleWith(org.springframework.http.MediaType.APPLICATION_FORM_URLENCODED)
                    && !type.isCompatibleWith(org.springframework.http.MediaType.MULTIPART_FORM_DATA);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void refuse(HttpServletResponse response, CfError error, String description) throws IOException {
        response.setStatus(error.status().value());
        response.setContentType("application/json");
        response.getOutputStream().write(("{\"description\":\"" + description + "\",\"error_code\":\""
                + error.errorCode() + "\",\"code\":" + error.code() + "}").getBytes(StandardCharsets.UTF_8));
    }

    /** The query string's parameters, decoded; the body is never read for them. */
    static java.util.Map<String, String[]> queryParameters(String query) {
        java.util.Map<String, java.util.List<String>> collected = new java.util.LinkedHashMap<>();
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String key = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                collected.computeIfAbsent(key, k -> new java.util.ArrayList<>()).add(value);
            }
        }
        java.util.Map<String, String[]> parameters = new java.util.LinkedHashMap<>();
        collected.forEach((k, v) -> parameters.put(k, v.toArray(String[]::new)));
        return java.util.Collections.unmodifiableMap(parameters);
    }

    /** Marks a decoded query parameter whose bytes were not UTF-8; such a request is refused. */
    private static final char NOT_UTF8 = '\uFFFF';

    private static String decode(String text) {
        if (text.indexOf('%') < 0 || !text.chars().allMatch(c -> c < 0x80)) {
            return plainDecode(text);
        }
        byte[] bytes;
        try {
            bytes = java.net.URLDecoder.decode(text, StandardCharsets.ISO_8859_1).getBytes(StandardCharsets.ISO_8859_1);
        } catch (IllegalArgumentException e) {
            // A broken escape is kept as sent; the handler answers it like any unknown value.
            return text;
        }
        try {
            // Strict: an overlong form or a broken sequence is refused, not turned into another character.
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return String.valueOf(NOT_UTF8);
        }
    }

    private static String plainDecode(String text) {
        try {
            return java.net.URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text;
        }
    }

    private static final class Limited extends HttpServletRequestWrapper {
        private final long limit;
        private final boolean keepContentType;
        private final java.util.Map<String, String[]> parameters;
        private ServletInputStream stream;

        Limited(HttpServletRequest request, long limit, boolean keepContentType,
                java.util.Map<String, String[]> parameters) {
            super(request);
            this.limit = limit;
            this.keepContentType = keepContentType;
            this.parameters = parameters;
        }

        @Override
        public String getParameter(String name) {
            String[] values = parameters.get(name);
            return values == null ? null : values[0];
        }

        @Override
        public java.util.Map<String, String[]> getParameterMap() {
            return parameters;
        }

        @Override
        public java.util.Enumeration<String> getParameterNames() {
            return java.util.Collections.enumeration(parameters.keySet());
        }

        @Override
        public String[] getParameterValues(String name) {
            return parameters.get(name);
        }

        @Override
        public String getContentType() {
            return keepContentType ? super.getContentType() : null;
        }

        @Override
        public String getHeader(String name) {
            return !keepContentType && "Content-Type".equalsIgnoreCase(name) ? null : super.getHeader(name);
        }

        @Override
        public java.util.Enumeration<String> getHeaders(String name) {
            return !keepContentType && "Content-Type".equalsIgnoreCase(name)
                    ? java.util.Collections.emptyEnumeration() : super.getHeaders(name);
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                stream = new Counting(super.getInputStream(), limit);
            }
            return stream;
        }
    }

    private static final class Counting extends ServletInputStream {
        private final ServletInputStream in;
        private final long limit;
        private long read;

        Counting(ServletInputStream in, long limit) {
            this.in = in;
            this.limit = limit;
        }

        private void count(long n) throws TooLarge {
            if (n > 0 && (read += n) > limit) {
                throw new TooLarge(limit);
            }
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            count(b < 0 ? 0 : 1);
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            count(n);
            return n;
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }
}
