package io.taskhive.batching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class CoalescerTest {

    @Test
    void aLoneRequestIsDoneAtOnceAsABatchOfOne() throws Exception {
        List<Integer> sizes = new CopyOnWriteArrayList<>();
        try (Coalescer<Integer, Integer> doubler = new Coalescer<>("t", 100, 1, items -> {
            sizes.add(items.size());
            return items.stream().map(i -> i * 2).toList();
        })) {
            assertThat(doubler.callAndWait(21)).isEqualTo(42);
            assertThat(sizes).containsExactly(1);
        }
    }

    @Test
    void requestsArrivingWhileABatchRunsGoTogetherInTheNextAndEachGetsItsOwnResult() throws Exception {
        CountDownLatch firstBatchStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> sizes = new CopyOnWriteArrayList<>();
        try (Coalescer<Integer, String> coalescer = new Coalescer<>("t", 50, 1, items -> {
            sizes.add(items.size());
            firstBatchStarted.countDown();
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return items.stream().map(i -> "r" + i).toList();
        })) {
            CompletableFuture<String> first = coalescer.submitInOrder(0);
            assertThat(firstBatchStarted.await(5, TimeUnit.SECONDS)).isTrue();
            List<CompletableFuture<String>> later = new ArrayList<>();
            for (int i = 1; i <= 120; i++) {
                later.add(coalescer.submitInOrder(i));
            }
            release.countDown();
            assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("r0");
            for (int i = 1; i <= 120; i++) {
                assertThat(later.get(i - 1).get(5, TimeUnit.SECONDS)).isEqualTo("r" + i);
            }
            assertThat(sizes).containsExactly(1, 50, 50, 20);
        }
    }

    @Test
    void aFailedBatchFailsEachOfItsRequestsAndTheNextBatchGoesOn() throws Exception {
        try (Coalescer<String, Integer> lengths = new Coalescer<>("t", 10, 2, items -> {
            if (items.contains("boom")) {
                throw new IllegalArgumentException("boom");
            }
            return items.stream().map(String::length).toList();
        })) {
            assertThatThrownBy(() -> lengths.callAndWait("boom")).isInstanceOf(IllegalArgumentException.class);
            assertThat(lengths.callAndWait("four")).isEqualTo(4);
        }
    }

    @Test
    void aCallerInterruptedBeforeItsItemIsTakenWithdrawsIt() throws Exception {
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> done = new CopyOnWriteArrayList<>();
        try (Coalescer<Integer, Integer> coalescer = new Coalescer<>("t", 10, 1, items -> {
            busy.countDown();
            await(release);
            done.addAll(items);
            return items;
        })) {
            CompletableFuture<Integer> first = coalescer.submitInOrder(0);
            assertThat(busy.await(5, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Throwable> outcome = new CompletableFuture<>();
            Thread caller = Thread.ofVirtual().start(() -> {
                try {
                    coalescer.callAndWait(1);
                    outcome.complete(null);
                } catch (Throwable e) {
                    outcome.complete(e);
                }
            });
            Thread.sleep(200); // the caller waits for the slot the first batch holds
            caller.interrupt();
            assertThat(outcome.get(5, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
            release.countDown();
            assertThat(first.get(5, TimeUnit.SECONDS)).isZero();
            assertThat(coalescer.callAndWait(2)).isEqualTo(2);
            assertThat(done).containsExactly(0, 2);
        }
    }

    @Test
    void aCallerInterruptedWhileItsItemIsBeingDoneGetsTheOutcome() throws Exception {
        CountDownLatch firstBusy = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        CountDownLatch secondBusy = new CountDownLatch(1);
        CountDownLatch releaseSecond = new CountDownLatch(1);
        try (Coalescer<Integer, String> coalescer = new Coalescer<>("t", 10, 1, items -> {
            if (items.contains(0)) {
                firstBusy.countDown();
                await(releaseFirst);
            } else {
                secondBusy.countDown();
                await(releaseSecond);
            }
            return items.stream().map(i -> "r" + i).toList();
        })) {
            coalescer.submitInOrder(0);
            assertThat(firstBusy.await(5, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<String> outcome = new CompletableFuture<>();
            Thread caller = Thread.ofVirtual().start(() -> {
                try {
                    String result = coalescer.callAndWait(1);
                    outcome.complete(result + (Thread.currentThread().isInterrupted() ? " interrupted" : ""));
                } catch (Throwable e) {
                    outcome.completeExceptionally(e);
                }
            });
            Thread.sleep(200);
            releaseFirst.countDown(); // a runner takes item 1 into the next batch
            assertThat(secondBusy.await(5, TimeUnit.SECONDS)).isTrue();
            caller.interrupt();
            Thread.sleep(100);
            assertThat(outcome).isNotDone();
            releaseSecond.countDown();
            assertThat(outcome.get(5, TimeUnit.SECONDS)).isEqualTo("r1 interrupted");
        }
    }

    @Test
    void aCallerAlreadyInterruptedWithdrawsItsItemWithoutDoingIt() throws Exception {
        List<Integer> done = new CopyOnWriteArrayList<>();
        try (Coalescer<Integer, Integer> coalescer = new Coalescer<>("t", 10, 1, items -> {
            done.addAll(items);
            return items;
        })) {
            CompletableFuture<Throwable> outcome = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                Thread.currentThread().interrupt();
                try {
                    coalescer.callAndWait(1);
                    outcome.complete(null);
                } catch (Throwable e) {
                    outcome.complete(e);
                }
            });
            assertThat(outcome.get(5, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
            assertThat(coalescer.callAndWait(2)).isEqualTo(2);
            assertThat(done).containsExactly(2);
        }
    }

    @Test
    void anOfferWithASlotFreeIsDoneOnTheCallingThreadBeforeOfferReturns() throws Exception {
        List<Thread> workers = new CopyOnWriteArrayList<>();
        try (Coalescer<Integer, Integer> coalescer = new Coalescer<>("t", 10, 1, items -> {
            workers.add(Thread.currentThread());
            return items;
        })) {
            CompletableFuture<Integer> offered = coalescer.submitUnordered(7);
            assertThat(offered).isCompletedWithValue(7);
            assertThat(workers).containsExactly(Thread.currentThread());
        }
    }

    @Test
    void anOfferWhileAllSlotsAreBusyReturnsAtOnceAndARunnerDoesItNext() throws Exception {
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<List<Integer>> batches = new CopyOnWriteArrayList<>();
        try (Coalescer<Integer, Integer> coalescer = new Coalescer<>("t", 10, 1, items -> {
            batches.add(List.copyOf(items));
            busy.countDown();
            await(release);
            return items;
        })) {
            CompletableFuture<Integer> first = coalescer.submitInOrder(0);
            assertThat(busy.await(5, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Integer> offered = coalescer.submitUnordered(1);
            CompletableFuture<Integer> alsoOffered = coalescer.submitUnordered(2);
            assertThat(offered).isNotDone();
            release.countDown();
            assertThat(first.get(5, TimeUnit.SECONDS)).isZero();
            assertThat(offered.get(5, TimeUnit.SECONDS)).isEqualTo(1);
            assertThat(alsoOffered.get(5, TimeUnit.SECONDS)).isEqualTo(2);
            assertThat(batches).containsExactly(List.of(0), List.of(1, 2));
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(5, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void afterCloseNewRequestsAreRefused() {
        Coalescer<String, String> same = new Coalescer<>("t", 10, 1, items -> items);
        same.close();
        assertThatThrownBy(() -> same.callAndWait("late")).hasMessageContaining("shutting down");
    }
}
