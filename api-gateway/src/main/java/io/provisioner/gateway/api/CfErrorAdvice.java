package io.provisioner.gateway.api;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.web.HttpMediaTypeException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/** Turns every failure of the v2 API into Cloud Controller's error envelope; never a stack trace. */
@RestControllerAdvice
class CfErrorAdvice {

    private static final Logger log = LoggerFactory.getLogger(CfErrorAdvice.class);

    static ResponseEntity<ErrorBody> answer(CfError error, String description) {
        return ResponseEntity.status(error.status()).body(ErrorBody.of(error, description));
    }

    @ExceptionHandler(CfException.class)
    ResponseEntity<ErrorBody> refused(CfException e) {
        return answer(e.error(), e.getMessage());
    }

    @ExceptionHandler({NoHandlerFoundException.class, NoResourceFoundException.class,
            HttpRequestMethodNotSupportedException.class})
    ResponseEntity<?> unknownRoute(Exception e, jakarta.servlet.http.HttpServletRequest request) {
        String path = request.getRequestURI();
        if (path.equals("/v3") || path.startsWith("/v3/")) {
            // v3 clients read v3's error body (the cf CLI reports it instead of failing on a v2 one).
            return io.provisioner.gateway.v3.V3Error.notFound();
        }
        return answer(CfError.NOT_FOUND, "Unknown request");
    }

    @ExceptionHandler({HttpMessageNotReadableException.class, HttpMediaTypeException.class})
    ResponseEntity<ErrorBody> unreadable(Exception e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof RequestGuard.TooLarge) {
                return answer(CfError.REQUEST_TOO_LARGE, cause.getMessage());
            }
        }
        return answer(CfError.MESSAGE_PARSE_ERROR, "Request invalid due to parse error: the body is not valid JSON");
    }

    @ExceptionHandler({MethodArgumentTypeMismatchException.class, MissingServletRequestParameterException.class})
    ResponseEntity<ErrorBody> badQuery(Exception e) {
        return answer(CfError.BAD_QUERY_PARAMETER, "The query parameter is invalid: " + e.getMessage());
    }

    @ExceptionHandler({MaxUploadSizeExceededException.class, RequestGuard.TooLarge.class})
    ResponseEntity<ErrorBody> tooLarge(Exception e) {
        return answer(CfError.REQUEST_TOO_LARGE, "The request body is too large");
    }

    /**
     * The database is away: no connection, or it died inside a transaction (the rollback then fails too,
     * as the fault-test suite showed with PostgreSQL stopped under load). Nothing was committed.
     */
    @ExceptionHandler({CannotGetJdbcConnectionException.class, CannotCreateTransactionException.class,
            org.springframework.transaction.TransactionSystemException.class,
            org.springframework.dao.RecoverableDataAccessException.class,
            DataAccessResourceFailureException.class, TransientDataAccessException.class})
    ResponseEntity<ErrorBody> databaseAway(Exception e) {
        log.warn("database unavailable: {}", e.getMessage());
        return answer(CfError.SERVICE_UNAVAILABLE, "The service is temporarily unavailable; try again shortly");
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ErrorBody> unexpected(Exception e) {
        log.error("unexpected failure", e);
        return answer(CfError.UNKNOWN_ERROR, "An unknown error occurred.");
    }
}
