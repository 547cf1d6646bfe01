package io.taskhive.gateway.web;

import org.apache.tomcat.util.http.InvalidParameterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every error leaves as {@code application/problem+json} with a message a client can act on, and
 * never with a stack trace or an internal exception message.
 */
@RestControllerAdvice
class ApiExceptionHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

    @ExceptionHandler(ApiException.class)
    ResponseEntity<ProblemDetail> refused(ApiException e) {
        return problem(ErrorReply.of(e), e);
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ProblemDetail> badParameter(MethodArgumentTypeMismatchException e) {
        String detail = "parameter '" + e.getName() + "' has an invalid value";
        if (e.getRequiredType() != null && e.getRequiredType().isEnum()) {
            detail += "; expected one of " + java.util.Arrays.toString(e.getRequiredType().getEnumConstants());
        }
        return ResponseEntity.badRequest().body(ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail));
    }

    /** Tomcat parses the query string when a parameter is first asked for, and refuses bad escapes then. */
    @ExceptionHandler(InvalidParameterException.class)
    ResponseEntity<ProblemDetail> badQueryString(InvalidParameterException e) {
        return ResponseEntity.badRequest().body(ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                "the query string is malformed: a '%' must start a valid escape of UTF-8 bytes"));
    }

    /** Database failures and anything unexpected: classified as on every other interface. */
    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> failed(Exception e) {
        return problem(ErrorReply.of(e), e);
    }

    private static ResponseEntity<ProblemDetail> problem(ErrorReply reply, Exception e) {
        if (reply.unexpected()) {
            log.error("unexpected error", e);
        } else if (reply.status() == HttpStatus.SERVICE_UNAVAILABLE) {
            log.warn("unavailable: {}", e.getMessage());
        }
        HttpHeaders headers = new HttpHeaders();
        if (reply.retryAfterSeconds() != null) {
            headers.set(HttpHeaders.RETRY_AFTER, reply.retryAfterSeconds().toString());
        }
        return ResponseEntity.status(reply.status()).headers(headers)
                .body(ProblemDetail.forStatusAndDetail(reply.status(), reply.detail()));
    }

    /** Unreadable JSON: say so, without echoing parser internals. */
    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        Throwable cause = e.getMostSpecificCause();
        if (cause instanceof RequestTooLargeException tooLarge) {
            return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE)
                    .body(ProblemDetail.forStatusAndDetail(HttpStatus.CONTENT_TOO_LARGE, tooLarge.getMessage()));
        }
        if (cause instanceof StrictUtf8InputStream.MalformedUtf8) {
            return ResponseEntity.badRequest().body(ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                    "the request body is not valid JSON: it is not well-formed UTF-8"));
        }
        String detail = "the request body is missing or is not valid JSON of the expected shape";
        if (cause instanceof tools.jackson.core.JacksonException jackson && jackson.getLocation() != null) {
            detail += " (near line " + jackson.getLocation().getLineNr() + ", column "
                    + jackson.getLocation().getColumnNr() + ")";
        }
        return ResponseEntity.badRequest().body(ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail));
    }
}
