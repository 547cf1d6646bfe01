package io.taskhive.worker.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;
import org.springframework.amqp.rabbit.listener.MessageListenerContainer;
import org.springframework.amqp.rabbit.listener.RabbitListenerEndpointRegistry;

import io.taskhive.testing.ConfigurationBinding;
import io.taskhive.worker.WorkerProperties;
import io.taskhive.worker.fleet.Heartbeat;

/**
 * The drain on SIGTERM, with the consumer, the listener registry and the heartbeat as mocks and a
 * real {@link RunningTasks} holding a real thread: what it does in which order, and when it gives
 * up waiting.
 */
class WorkerDrainTest {

    private static final Duration GRACE = Duration.ofMillis(400);
    private static final Duration HAND_BACK = Duration.ofMillis(1_000);

    private final TaskConsumer consumer = mock(TaskConsumer.class);
    private final RabbitListenerEndpointRegistry listeners = mock(RabbitListenerEndpointRegistry.class);
    private final MessageListenerContainer tasks = mock(MessageListenerContainer.class);
    private final Heartbeat heartbeat = mock(Heartbeat.class);
    private final RunningTasks running = new RunningTasks();
    /** What the consumer reports in flight: the test's running task, until its thread ends. */
    private final AtomicInteger inFlight = new AtomicInteger();
    private WorkerDrain drain;
    private Thread task;

    @BeforeEach
    void setUp() {
        when(listeners.getListenerContainer(TaskConsumer.LISTENER_ID)).thenReturn(tasks);
        when(consumer.inFlight()).thenAnswer(invocation -> inFlight.get());
        WorkerProperties properties = ConfigurationBinding.bind("taskhive.worker", WorkerProperties.class, Map.of(
                "shutdown-grace", GRACE.toMillis() + "ms", "hand-back-timeout", HAND_BACK.toMillis() + "ms"));
        drain = new WorkerDrain(consumer, running, listeners, heartbeat, properties);
        drain.start();
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        if (task != null) {
            task.interrupt();
            task.join(5_000);
        }
    }

    /** A task that runs until interrupted, or until {@code finish} counts down if it ignores interrupts. */
    private void runTask(boolean honoursInterrupt, CountDownLatch finish) {
        UUID id = UUID.randomUUID();
        CountDownLatch started = new CountDownLatch(1);
        inFlight.incrementAndGet();
        task = Thread.ofPlatform().start(() -> {
            running.started(id, 1, Thread.currentThread());
            started.countDown();
            try {
                while (true) {
                    try {
                        if (finish.await(10, TimeUnit.SECONDS)) {
                            return;
                        }
                    } catch (InterruptedException e) {
                        if (honoursInterrupt) {
                            return;
                        }
                    }
                }
            } finally {
                running.finished(id);
                inFlight.decrementAndGet();
            }
        });
        try {
            started.await();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void anIdleWorkerSaysItIsDrainingStopsConsumingAndDeregistersAtOnce() {
        long started = System.nanoTime();
        drain.stop();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(GRACE);
        InOrder order = inOrder(heartbeat, consumer, tasks);
        // draining first: the other replicas' sweepers must keep seeing a live holder during the drain
        order.verify(heartbeat).draining();
        order.verify(consumer).drain();
        order.verify(tasks).stop();
        order.verify(consumer).shutdownExecutor();
        order.verify(heartbeat).deregister();
        assertThat(drain.isRunning()).isFalse();
    }

    @Test
    void aTaskThatFinishesWithinTheGraceIsNotInterrupted() throws Exception {
        CountDownLatch finish = new CountDownLatch(1);
        runTask(true, finish);
        Thread finisher = Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(GRACE.dividedBy(4));
            } catch (InterruptedException e) {
                return;
            }
            finish.countDown();
        });
        drain.stop();
        finisher.join();
        task.join(5_000);
        assertThat(inFlight.get()).isZero();
        assertThat(running.count()).isZero();
        InOrder order = inOrder(consumer, heartbeat);
        order.verify(consumer).shutdownExecutor();
        order.verify(heartbeat).deregister();
    }

    @Test
    void aTaskStillRunningAfterTheGraceIsInterruptedAndHandedBack() {
        runTask(true, new CountDownLatch(1));
        long started = System.nanoTime();
        drain.stop();
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(took).isGreaterThanOrEqualTo(GRACE).isLessThan(GRACE.plus(HAND_BACK));
        assertThat(inFlight.get()).as("handed back within the hand-back timeout").isZero();
        assertThat(running.count()).isZero();
        InOrder order = inOrder(consumer, heartbeat);
        order.verify(consumer).shutdownExecutor();
        order.verify(heartbeat).deregister();
    }

    /** The reason TaskRunner reads to hand the task back without costing an attempt. */
    @Test
    void theInterruptionOfADrainSaysShutdown() throws Exception {
        UUID id = UUID.randomUUID();
        RunningTasks.Running held = running.started(id, 3, Thread.currentThread());
        inFlight.set(1);
        Thread stopper = Thread.ofPlatform().start(drain::stop);
        try {
            Thread.sleep(Duration.ofSeconds(10)); // woken by the drain's interrupt after the grace
            throw new AssertionError("not interrupted");
        } catch (InterruptedException expected) {
            assertThat(held.interruption()).isEqualTo(RunningTasks.Interruption.SHUTDOWN);
        } finally {
            running.finished(id);
            inFlight.set(0);
        }
        stopper.join(5_000);
        assertThat(stopper.isAlive()).isFalse();
    }

    @Test
    void aTaskThatIgnoresTheInterruptDoesNotKeepTheWorkerFromExiting() throws Exception {
        CountDownLatch finish = new CountDownLatch(1);
        runTask(false, finish);
        long started = System.nanoTime();
        drain.stop();
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(took).isGreaterThanOrEqualTo(GRACE.plus(HAND_BACK)).isLessThan(GRACE.plus(HAND_BACK).multipliedBy(2));
        assertThat(inFlight.get()).as("still in flight, given up on").isEqualTo(1);
        InOrder order = inOrder(consumer, heartbeat);
        order.verify(consumer).shutdownExecutor();
        order.verify(heartbeat).deregister();
        finish.countDown();
    }

    @Test
    void aMissingListenerContainerIsNoReasonNotToDrain() {
        when(listeners.getListenerContainer(TaskConsumer.LISTENER_ID)).thenReturn(null);
        drain.stop();
        InOrder order = inOrder(consumer, heartbeat);
        order.verify(consumer).drain();
        order.verify(heartbeat).deregister();
    }

    @Test
    void itStopsBeforeEveryOtherLifecycleBean() {
        assertThat(drain.getPhase()).isEqualTo(Integer.MAX_VALUE);
        assertThat(drain.isRunning()).isTrue();
    }
}
