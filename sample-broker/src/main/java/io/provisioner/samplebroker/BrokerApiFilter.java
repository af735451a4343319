package io.provisioner.samplebroker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import tools.jackson.databind.json.JsonMapper;

/**
 * Guards {@code /v2/**}: HTTP basic auth with the configured credentials (401), then the
 * {@code X-Broker-API-Version} header (412). Auth goes first so strangers learn nothing about the API.
 * The {@code /admin/**} endpoints (the request log holds every tenant's parameters) need the same
 * credentials, without the version header.
 */
@Component
@Order(2)
class BrokerApiFilter extends OncePerRequestFilter {

    static final String VERSION_HEADER = "X-Broker-API-Version";

    private final byte[] credentials;
    private final JsonMapper mapper;

    BrokerApiFilter(SampleBrokerProperties properties, JsonMapper mapper) {
        this.credentials = (properties.username() + ":" + properties.password()).getBytes(StandardCharsets.UTF_8);
        this.mapper = mapper;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = RequestRecordingFilter.path(request);
        return !(path.equals("/v2") || path.startsWith("/v2/") || admin(path));
    }

    private static boolean admin(String path) {
        return path.equals("/admin") || path.startsWith("/admin/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!authenticated(request.getHeader("Authorization"))) {
            response.setHeader("WWW-Authenticate", "Basic realm=\"sample-broker\"");
            reject(response, HttpStatus.UNAUTHORIZED, "Unauthorized",
                    "HTTP basic authentication with the broker's credentials is required.");
            return;
        }
        if (admin(RequestRecordingFilter.path(request))) {
            chain.doFilter(request, response);
            return;
        }
        String version = request.getHeader(VERSION_HEADER);
        if (version == null || version.isBlank()) {
            reject(response, HttpStatus.PRECONDITION_FAILED, "PreconditionFailed",
                    "The " + VERSION_HEADER + " header is required.");
            return;
        }
        if (!version.trim().startsWith("2.")) {
            reject(response, HttpStatus.PRECONDITION_FAILED, "PreconditionFailed",
                    "The broker supports Open Service Broker API 2.x; " + VERSION_HEADER + " was '" + version + "'.");
            return;
        }
        chain.doFilter(request, response);
    }

    private boolean authenticated(String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        try {
            byte[] given = Base64.getDecoder().decode(header.substring(6).trim());
            return MessageDigest.isEqual(given, credentials); // constant time
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private void reject(HttpServletResponse response, HttpStatus status, String error, String description)
            throws IOException {
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        mapper.writeValue(response.getOutputStream(), new ErrorBody(error, description));
    }
}
