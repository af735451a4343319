package io.provisioner.gateway.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;

/**
 * Requests Tomcat refuses before any servlet runs (an encoded slash or NUL in the path, a broken
 * request line) would get Tomcat's HTML page; they get the CF envelope instead.
 */
@Component
class ContainerErrors implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        factory.addContextCustomizers(context -> {
            if (context.getParent() instanceof StandardHost host) {
                host.setErrorReportValveClass(EnvelopeValve.class.getName());
            }
        });
    }

    /** Writes the envelope for any error response that has no body yet. */
    public static class EnvelopeValve extends ErrorReportValve {

        @Override
        protected void report(Request request, Response response, Throwable throwable) {
            int status = response.getStatus();
            if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
                return;
            }
            CfError error = switch (status) {
                case 404, 405 -> CfError.NOT_FOUND;
                case 413 -> CfError.REQUEST_TOO_LARGE;
                case 503 -> CfError.SERVICE_UNAVAILABLE;
                default -> status < 500 ? CfError.INVALID_REQUEST : CfError.UNKNOWN_ERROR;
            };
            String description = switch (error) {
                case NOT_FOUND -> "Unknown request";
                case INVALID_REQUEST -> "The request is invalid";
                case REQUEST_TOO_LARGE -> "The request body is too large";
                case SERVICE_UNAVAILABLE -> "The service is temporarily unavailable";
                default -> "An unknown error occurred.";
            };
            try {
                response.setContentType("application/json");
                response.setCharacterEncoding("UTF-8");
                response.getOutputStream().write(("{\"description\":\"" + description + "\",\"error_code\":\""
                        + error.errorCode() + "\",\"code\":" + error.code() + "}").getBytes(StandardCharsets.UTF_8));
                response.finishResponse();
            } catch (IOException | IllegalStateException e) {
                // The client has gone; nothing more to tell it.
            }
        }
    }
}
