package io.provisioner.samplebroker;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/** Turns failures into OSB error bodies ({@code {"error","description"}}) instead of Spring's defaults. */
@RestControllerAdvice
class ApiErrors {

    @ExceptionHandler
    ResponseEntity<Object> broker(BrokerException e) {
        return ResponseEntity.status(e.status()).body(e.body());
    }

    @ExceptionHandler({ HttpMessageNotReadableException.class, MissingServletRequestParameterException.class,
            MethodArgumentTypeMismatchException.class })
    ResponseEntity<ErrorBody> badRequest(Exception e) {
        String description = e instanceof HttpMessageNotReadableException unreadable
                ? "Malformed request body: " + unreadable.getMostSpecificCause().getMessage()
                : e.getMessage();
        return ResponseEntity.status(HttpStatus.BAD_REQUEST).body(new ErrorBody("BadRequest", description));
    }
}
