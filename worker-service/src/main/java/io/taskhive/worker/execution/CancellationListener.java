package io.taskhive.worker.execution;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.stereotype.Component;

import io.taskhive.messaging.TaskEventPublisher;
import io.taskhive.messaging.TaskStatusEvent;
import io.taskhive.task.TaskStatus;

/**
 * Each replica has its own short-lived queue bound to cancellation events (see
 * {@code WorkerMessagingConfiguration}): when a task it is
 * running is cancelled, its thread is interrupted at once (the guarded final update already keeps
 * a late outcome from overwriting CANCELLED; this stops the wasted work).
 */
@Component
class CancellationListener {

    private static final Logger log = LoggerFactory.getLogger(CancellationListener.class);

    private final RunningTasks running;
    private final TaskEventPublisher events;

    CancellationListener(RunningTasks running, TaskEventPublisher events) {
        this.running = running;
        this.events = events;
    }

    @RabbitListener(queues = "#{cancellationQueue.name}", containerFactory = "eventListenerFactory")
    void onCancelled(Message message) {
        List<TaskStatusEvent> cancelled;
        try {
            cancelled = events.decode(message);
        } catch (RuntimeException e) {
            log.warn("unreadable cancellation event(s) ignored: {}", e.getMessage());
            return;
        }
        for (TaskStatusEvent event : cancelled) {
            if (event.to() == TaskStatus.CANCELLED
                    && running.interrupt(event.taskId(), RunningTasks.Interruption.WITHDRAWN)) {
                log.info("taskId={} cancelled while running here; interrupted", event.taskId());
            }
        }
    }
}
