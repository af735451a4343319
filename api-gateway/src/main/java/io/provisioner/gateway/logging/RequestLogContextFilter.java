package io.provisioner.gateway.logging;

import java.io.IOException;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.MDC;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import io.provisioner.schemas.LogContextHeaders;

/**
 * Every line written while the gateway serves a request names it: Cloud Controller's
 * {@code X-Vcap-Request-Id} (the caller's, or a new one, answered back in the same header) as the request
 * identity, and the instance guid when the path names an instance.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestLogContextFilter extends OncePerRequestFilter {

    static final String REQUEST_ID_HEADER = "X-Vcap-Request-Id";
    private static final Pattern INSTANCE = Pattern.compile("^/v2/service_instances/([0-9a-fA-F-]{36})(?:/|$)");
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String given = request.getHeader(REQUEST_ID_HEADER);
        // A caller's id goes into every log line: only a short, plain one is taken.
        String identity = given != null && SAFE.matcher(given).matches() ? given : UUID.randomUUID().toString();
        response.setHeader(REQUEST_ID_HEADER, identity);
        MDC.put(LogContextHeaders.REQUEST_IDENTITY, identity);
        Matcher instance = INSTANCE.matcher(request.getRequestURI());
        if (instance.find()) {
            MDC.put(LogContextHeaders.INSTANCE_GUID, instance.group(1));
        }
        try {
            chain.doFilter(request, response);
        } finally {
            LogContextHeaders.ALL.forEach(MDC::remove);
        }
    }
}
