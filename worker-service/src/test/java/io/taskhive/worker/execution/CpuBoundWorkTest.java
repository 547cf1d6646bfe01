package io.taskhive.worker.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/** Turns (a few CPU-bound tasks per core) and the platform threads those tasks run on. */
class CpuBoundWorkTest {

    private static final int TURNS = Runtime.getRuntime().availableProcessors() * 2;

    private final CpuBoundWork cpu = new CpuBoundWork();
    private final List<CpuBoundWork.Turn> held = new ArrayList<>();

    @AfterEach
    void stop() {
        held.forEach(CpuBoundWork.Turn::close);
        cpu.stop();
    }

    private void takeAllTurns() {
        for (int i = 0; i < TURNS; i++) {
            held.add(cpu.awaitTurn());
        }
    }

    private CompletableFuture<CpuBoundWork.Turn> waitForATurn() {
        CompletableFuture<CpuBoundWork.Turn> turn = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                turn.complete(cpu.awaitTurn());
            } catch (RuntimeException e) {
                turn.completeExceptionally(e);
            }
        });
        return turn;
    }

    @Test
    void twoTurnsPerCoreThenTheNextTaskWaitsUnclaimedUntilOneIsGivenBack() throws Exception {
        takeAllTurns();
        CompletableFuture<CpuBoundWork.Turn> next = waitForATurn();
        assertThatThrownBy(() -> next.get(300, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
        held.removeFirst().close();
        held.add(next.get(5, TimeUnit.SECONDS));
    }

    @Test
    void aTurnClosedTwiceIsGivenBackOnce() throws Exception {
        takeAllTurns();
        CpuBoundWork.Turn turn = held.removeFirst();
        turn.close();
        turn.close();
        held.add(waitForATurn().get(5, TimeUnit.SECONDS));
        CompletableFuture<CpuBoundWork.Turn> another = waitForATurn();
        assertThatThrownBy(() -> another.get(300, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
        held.removeFirst().close();
        held.add(another.get(5, TimeUnit.SECONDS));
    }

    @Test
    void interruptingTheWaitHandsTheMessageBackAndKeepsTheInterrupt() throws Exception {
        takeAllTurns();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        Thread waiting = Thread.ofPlatform().start(() -> {
            try {
                cpu.awaitTurn();
            } catch (RuntimeException e) {
                failure.set(e);
                stillInterrupted.set(Thread.currentThread().isInterrupted());
            }
        });
        while (waiting.getState() != Thread.State.WAITING) {
            Thread.onSpinWait();
        }
        waiting.interrupt();
        waiting.join(5_000);
        assertThat(failure.get()).isInstanceOf(IllegalStateException.class)
                .hasMessage("interrupted while waiting for a core; message handed back");
        assertThat(stillInterrupted).isTrue();
    }

    @Test
    void theWorkRunsOnAPlatformThreadOfThePoolAndItsResultComesBack() throws Exception {
        JsonNode result = cpu.run(() -> JsonNodeFactory.instance.objectNode()
                .put("thread", Thread.currentThread().getName()).put("virtual", Thread.currentThread().isVirtual()));
        assertThat(result.get("thread").stringValue()).startsWith("cpu-task-");
        assertThat(result.get("virtual").booleanValue()).isFalse();
    }

    @Test
    void theTasksOwnFailureComesOutUnwrapped() {
        IllegalArgumentException failure = new IllegalArgumentException("limit too large");
        assertThatThrownBy(() -> cpu.run(() -> {
            throw failure;
        })).isSameAs(failure);
    }

    @Test
    void interruptingTheCallerInterruptsTheWork() throws Exception {
        CountDownLatch working = new CountDownLatch(1);
        CountDownLatch workInterrupted = new CountDownLatch(1);
        AtomicReference<Throwable> callerSaw = new AtomicReference<>();
        Thread caller = Thread.ofVirtual().start(() -> {
            try {
                cpu.run(() -> {
                    working.countDown();
                    try {
                        Thread.sleep(10_000);
                    } catch (InterruptedException e) {
                        workInterrupted.countDown();
                        throw e;
                    }
                    return null;
                });
            } catch (Exception e) {
                callerSaw.set(e);
            }
        });
        assertThat(working.await(5, TimeUnit.SECONDS)).isTrue();
        caller.interrupt(); // a cancel, a timeout or a shutdown
        assertThat(workInterrupted.await(5, TimeUnit.SECONDS)).as("the computation stopped too").isTrue();
        caller.join(5_000);
        assertThat(callerSaw.get()).isInstanceOf(InterruptedException.class);
    }
}
