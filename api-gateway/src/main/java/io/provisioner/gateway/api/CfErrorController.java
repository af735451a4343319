package io.provisioner.gateway.api;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Errors raised before a controller runs (the servlet container's own 400, 404, 413 …) end up at
 * {@code /error}; answer them in the CF envelope too, instead of Boot's or Tomcat's page.
 */
@RestController
class CfErrorController implements ErrorController {

    @RequestMapping("/error")
    ResponseEntity<?> error(HttpServletRequest request) {
        Object status = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int code = status instanceof Integer i ? i : 500;
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        if ((code == 404 || code == 405) && uri instanceof String path && (path.equals("/v3") || path.startsWith("/v3/"))) {
            // v3 clients read v3's error body; the v2 envelope would look like success to them.
            return io.provisioner.gateway.v3.V3Error.notFound();
        }
        return switch (code) {
            case 404, 405 -> CfErrorAdvice.answer(CfError.NOT_FOUND, "Unknown request");
            case 413 -> CfErrorAdvice.answer(CfError.REQUEST_TOO_LARGE, "The request body is too large");
            // A request refused before any controller read a body (e.g. the firewall's rejected URL): no parse error.
            case 400 -> CfErrorAdvice.answer(CfError.INVALID_REQUEST, "The request is invalid");
            case 503 -> CfErrorAdvice.answer(CfError.SERVICE_UNAVAILABLE, "The service is temporarily unavailable");
            default -> CfErrorAdvice.answer(CfError.UNKNOWN_ERROR, "An unknown error occurred.");
        };
    }
}
