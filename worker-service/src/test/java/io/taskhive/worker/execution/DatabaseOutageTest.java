package io.taskhive.worker.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;
import org.springframework.amqp.rabbit.listener.MessageListenerContainer;
import org.springframework.amqp.rabbit.listener.RabbitListenerEndpointRegistry;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.core.JdbcTemplate;

import io.taskhive.testing.ConfigurationBinding;
import io.taskhive.worker.WorkerProperties;

/**
 * Pausing the task consumers on the first database failure and resuming them when a probe gets an
 * answer, with the listener registry and the JDBC template as mocks (the probe runs for real).
 */
class DatabaseOutageTest {

    private static final long WAIT_MILLIS = 5_000;

    private final RabbitListenerEndpointRegistry listeners = mock(RabbitListenerEndpointRegistry.class);
    private final MessageListenerContainer tasks = mock(MessageListenerContainer.class);
    private final JdbcTemplate jdbc = mock(JdbcTemplate.class);
    private DatabaseOutage outage;

    @BeforeEach
    void setUp() {
        when(listeners.getListenerContainer(TaskConsumer.LISTENER_ID)).thenReturn(tasks);
        outage = new DatabaseOutage(listeners, jdbc, ConfigurationBinding.bind("taskhive.worker",
                WorkerProperties.class, Map.of("database-retry-interval", "200ms")));
    }

    @AfterEach
    void tearDown() {
        outage.close();
    }

    private void awaitResumed() {
        long deadline = System.nanoTime() + Duration.ofMillis(WAIT_MILLIS).toNanos();
        while (outage.paused() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(outage.paused()).as("resumed").isFalse();
    }

    @Test
    void theFirstFailurePausesTheConsumersAndAnAnswerResumesThem() {
        when(jdbc.queryForObject("select 1", Integer.class)).thenReturn(1);
        outage.detected();
        assertThat(outage.paused()).isTrue();
        verify(tasks, timeout(WAIT_MILLIS)).start();
        awaitResumed();
        InOrder order = inOrder(tasks);
        order.verify(tasks).stop();
        order.verify(tasks).start();
    }

    @Test
    void theProbeKeepsTryingWhileTheDatabaseIsDown() {
        when(jdbc.queryForObject("select 1", Integer.class))
                .thenThrow(new DataAccessResourceFailureException("connection refused"))
                .thenThrow(new DataAccessResourceFailureException("connection refused"))
                .thenReturn(1);
        outage.detected();
        verify(tasks, timeout(WAIT_MILLIS)).start();
        verify(jdbc, times(3)).queryForObject("select 1", Integer.class);
        awaitResumed();
    }

    @Test
    void failuresWhilePausedStopTheConsumersOnce() {
        when(jdbc.queryForObject("select 1", Integer.class)).thenReturn(1);
        // every consumer that was mid-claim fails at about the same time
        outage.detected();
        outage.detected();
        outage.detected();
        verify(tasks, timeout(WAIT_MILLIS)).start();
        // the probe runs on the one thread that also stops the consumers: by its answer, every stop asked for ran
        verify(tasks, times(1)).stop();
        verify(jdbc, times(1)).queryForObject("select 1", Integer.class);
    }

    @Test
    void aLaterOutageIsDetectedAgain() {
        when(jdbc.queryForObject("select 1", Integer.class)).thenReturn(1);
        outage.detected();
        verify(tasks, timeout(WAIT_MILLIS)).start();
        awaitResumed();
        outage.detected();
        assertThat(outage.paused()).isTrue();
        verify(tasks, timeout(WAIT_MILLIS).times(2)).start();
        verify(tasks, times(2)).stop();
    }

    @Test
    void nothingIsPausedOnceTheWorkerIsClosing() {
        outage.close();
        outage.detected();
        assertThat(outage.paused()).isFalse();
        verify(tasks, never()).stop();
    }
}
