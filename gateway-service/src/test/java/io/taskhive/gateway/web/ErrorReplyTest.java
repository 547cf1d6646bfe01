package io.taskhive.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.transaction.TransactionSystemException;

class ErrorReplyTest {

    @Test
    void aLostDatabaseConnectionIsUnavailableWhereverItWasNoticed() {
        SQLException ioError = new SQLException("An I/O error occurred while sending to the backend.", "08006");
        TransactionSystemException atCommit = new TransactionSystemException("Could not commit JDBC transaction");
        atCommit.initCause(new RuntimeException(ioError));
        for (Throwable failure : new Throwable[] {
                new UncategorizedSQLException("insert", "insert into tasks ...", ioError),
                atCommit,
                new CompletionException(new UncategorizedSQLException("insert", "insert into tasks ...", ioError)),
                new SQLException("terminating connection due to administrator command", "57P01"),
                // the rollback on the connection HikariCP closed after the statement's I/O error
                new TransactionSystemException("Unable to rollback against JDBC Connection",
                        new SQLException("Connection is closed")) }) {
            ErrorReply reply = ErrorReply.of(failure);
            assertThat(reply.status()).as(failure.toString()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
            assertThat(reply.retryAfterSeconds()).isEqualTo(5);
            assertThat(reply.unexpected()).isFalse();
        }
    }

    @Test
    void aClosedStatementIsAnOrdinaryError() {
        assertThat(ErrorReply.of(new SQLException("This statement has been closed.")).status())
                .isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR);
    }

    @Test
    void otherDatabaseErrorsAreInternalAndSayNothingOfTheCause() {
        ErrorReply reply = ErrorReply.of(new DataIntegrityViolationException("duplicate key value violates \"tasks_pkey\"",
                new SQLException("duplicate key", "23505")));
        assertThat(reply.status()).isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR);
        assertThat(reply.detail()).isEqualTo("internal error");
        assertThat(reply.unexpected()).isTrue();
    }

    @Test
    void aRefusalWrappedByAnAsynchronousStepKeepsItsOwnStatus() {
        ErrorReply reply = ErrorReply.of(new CompletionException(
                new io.taskhive.task.UnknownTaskTypeException("nope", java.util.List.of("uppercase"))));
        assertThat(reply.status()).isEqualTo(HttpStatus.BAD_REQUEST);
    }
}
