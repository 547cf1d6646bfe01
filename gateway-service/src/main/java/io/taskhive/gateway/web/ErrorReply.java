package io.taskhive.gateway.web;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.transaction.CannotCreateTransactionException;

import io.taskhive.task.InvalidPayloadException;
import io.taskhive.task.UnknownTaskTypeException;

/**
 * What a client is told about a failure, whichever interface it came through (REST problem
 * responses, TCP error replies): the status, a detail it can act on, when to retry, and whether it
 * was unexpected (then the detail says nothing of the cause, and the server logs it in full).
 */
public record ErrorReply(HttpStatus status, String detail, Duration retryAfter, boolean unexpected) {

    private static final Duration DATABASE_RETRY_AFTER = Duration.ofSeconds(5);
    private static final String HIKARI_EVICTED_CONNECTION = "Connection is closed";

    public static ErrorReply of(Throwable failure) {
        while ((failure instanceof CompletionException || failure instanceof ExecutionException)
                && failure.getCause() != null) {
            failure = failure.getCause();
        }
        if (failure instanceof ApiException api) {
            return new ErrorReply(api.status(), api.getMessage(), api.retryAfter(), false);
        }
        if (failure instanceof UnknownTaskTypeException || failure instanceof InvalidPayloadException) {
            return new ErrorReply(HttpStatus.BAD_REQUEST, failure.getMessage(), null, false);
        }
        if (failure instanceof JwtException) {
            return new ErrorReply(HttpStatus.UNAUTHORIZED, "the token is invalid or expired; log in again", null, false);
        }
        if (isDatabaseOutage(failure)) {
            return new ErrorReply(HttpStatus.SERVICE_UNAVAILABLE, "the task store is unavailable; try again shortly",
                    DATABASE_RETRY_AFTER, false);
        }
        return new ErrorReply(HttpStatus.INTERNAL_SERVER_ERROR, "internal error", null, true);
    }

    /**
     * Whether the failure means the database cannot be reached right now (rather than a bug): the
     * way a lost connection surfaces depends on where it was noticed (borrowing from the pool,
     * mid-statement, at commit), so the whole cause chain is looked at, down to the SQL state
     * (class 08 is a connection exception, 57P01-57P03 a server shutting down or starting).
     */
    private static boolean isDatabaseOutage(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof DataAccessResourceFailureException || t instanceof CannotCreateTransactionException
                    || t instanceof TransientDataAccessResourceException || t instanceof RecoverableDataAccessException
                    || t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException
                    || t instanceof SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P0"))) {
                return true;
            }
            // HikariCP swaps a connection that broke mid-transaction for a closed one, whose rollback
            // then fails with this (and no SQL state); Spring reports that failure instead of the
            // original one, so this is how a statement cut off by a lost connection arrives here.
            if (t instanceof SQLException sql && sql.getSQLState() == null
                    && HIKARI_EVICTED_CONNECTION.equals(sql.getMessage())) {
                return true;
            }
        }
        return false;
    }

    /** {@code Retry-After} in whole seconds, at least 1; null when there is no advice. */
    public Long retryAfterSeconds() {
        return retryAfter == null ? null : Math.max(1, (retryAfter.toMillis() + 999) / 1000);
    }
}
