package io.taskhive.worker.execution;

import java.util.Map;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import io.taskhive.messaging.TaskMessage;
import io.taskhive.messaging.TraceHeaders;

/**
 * The worker's part of a task's trace: a "task run" span continuing the context the message
 * carried for the task (its submission's trace), in whose scope the task's log lines carry the
 * trace id; inside it, spans of the claim, the execution and the recording of the outcome, made
 * only when the trace is sampled.
 */
@Component
class TaskTracing {

    private final Tracer tracer;
    private final Propagator propagator;

    TaskTracing(ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
        this.tracer = tracer.getIfAvailable(() -> Tracer.NOOP);
        this.propagator = propagator.getIfAvailable(() -> Propagator.NOOP);
    }

    /** @param traceparent the task's context from the message (null: a trace of its own) */
    Span startRun(TaskMessage task, String traceparent) {
        Span.Builder builder = traceparent == null ? tracer.spanBuilder().setNoParent()
                : propagator.extract(Map.of(TraceHeaders.TRACEPARENT, traceparent), Map::get);
        return builder.name("task run").kind(Span.Kind.CONSUMER).tag("taskhive.task.id", task.taskId().toString())
                .tag("taskhive.task.type", task.type()).start();
    }

    Tracer.SpanInScope inScope(Span span) {
        return tracer.withSpan(span);
    }

    /** A step of the current task's run, or null when its trace is not recorded. */
    Span startStep(Span run, String name) {
        return run.isNoop() ? null : tracer.nextSpan(run).name(name).start();
    }

    static void end(Span step) {
        if (step != null) {
            step.end();
        }
    }
}
