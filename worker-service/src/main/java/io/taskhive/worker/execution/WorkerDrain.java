package io.taskhive.worker.execution;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.rabbit.listener.RabbitListenerEndpointRegistry;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import io.taskhive.worker.WorkerProperties;
import io.taskhive.worker.fleet.Heartbeat;

/**
 * Graceful shutdown. Stops first (highest phase): mark the replica draining (it keeps heartbeating,
 * so no other replica takes its tasks), stop consuming (the broker hands messages not yet started to
 * other replicas), let running tasks finish within the grace period, interrupt and hand back the rest
 * (QUEUED again, without costing an attempt), then deregister.
 */
@Component
class WorkerDrain implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(WorkerDrain.class);

    private final TaskConsumer consumer;
    private final RunningTasks running;
    private final RabbitListenerEndpointRegistry listeners;
    private final Heartbeat heartbeat;
    private final Duration grace;
    private final Duration handBack;
    private volatile boolean started;

    WorkerDrain(TaskConsumer consumer, RunningTasks running, RabbitListenerEndpointRegistry listeners,
            Heartbeat heartbeat, WorkerProperties properties) {
        this.consumer = consumer;
        this.running = running;
        this.listeners = listeners;
        this.heartbeat = heartbeat;
        this.grace = properties.shutdownGrace();
        this.handBack = properties.handBackTimeout();
    }

    @Override
    public void start() {
        started = true;
    }

    @Override
    public void stop() {
        started = false;
        // Said first, and the beats go on: the other replicas must see a live holder of these tasks
        // for as long as the drain lasts, or their sweepers would take them over (spending an attempt).
        heartbeat.draining();
        consumer.drain();
        var tasks = listeners.getListenerContainer(TaskConsumer.LISTENER_ID);
        if (tasks != null) {
            tasks.stop();
        }
        log.info("stopped taking tasks; waiting up to {} s for {} in flight", grace.toSeconds(), consumer.inFlight());
        if (!awaitIdle(grace)) {
            log.warn("handing back {} task(s) still running", running.count());
            running.interruptAll(RunningTasks.Interruption.SHUTDOWN);
            awaitIdle(handBack);
        }
        consumer.shutdownExecutor();
        heartbeat.deregister();
    }

    private boolean awaitIdle(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (consumer.inFlight() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return consumer.inFlight() == 0;
    }

    @Override
    public boolean isRunning() {
        return started;
    }

    /** Stops before the listener containers and everything else. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }
}
