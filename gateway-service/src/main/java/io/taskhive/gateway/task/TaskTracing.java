package io.taskhive.gateway.task;

import java.util.Map;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import io.taskhive.messaging.TraceHeaders;

/**
 * The gateway's part of a task's trace: a span around each submission (a child of the HTTP
 * request's span, or the root of a trace for a TCP request), whose W3C context is stored with the
 * task; and a publish span per sampled task, a child of that context, whose context goes to the
 * worker in the message headers. Tasks of traces that are not sampled get no publish span: their
 * stored context travels as it is, so the hot path pays only for what is recorded.
 */
@Component
class TaskTracing {

    private final Tracer tracer;
    private final Propagator propagator;

    TaskTracing(ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
        this.tracer = tracer.getIfAvailable(() -> Tracer.NOOP);
        this.propagator = propagator.getIfAvailable(() -> Propagator.NOOP);
    }

    Span startSubmit(TaskSubmission.Via via) {
        return tracer.nextSpan().name("task submit").tag("taskhive.interface", via.tag).start();
    }

    Tracer.SpanInScope inScope(Span span) {
        return tracer.withSpan(span);
    }

    /** The span's context as a W3C traceparent; null for a no-op span. */
    static String traceparent(Span span) {
        TraceContext context = span.context();
        String traceId = context.traceId();
        String spanId = context.spanId();
        if (traceId == null || traceId.length() != 32 || spanId == null || spanId.length() != 16) {
            return null;
        }
        return "00-" + traceId + "-" + spanId + (Boolean.TRUE.equals(context.sampled()) ? "-01" : "-00");
    }

    /**
     * Starts the publish span of a task whose submission was sampled (null otherwise: nothing to
     * record); the caller ends it once the message is sent.
     */
    Span startPublish(String storedTraceparent, String taskId) {
        if (!TraceHeaders.isValid(storedTraceparent) || !TraceHeaders.sampled(storedTraceparent)) {
            return null;
        }
        return propagator.extract(Map.of(TraceHeaders.TRACEPARENT, storedTraceparent), Map::get)
                .name("task publish").kind(Span.Kind.PRODUCER).tag("taskhive.task.id", taskId).start();
    }
}
