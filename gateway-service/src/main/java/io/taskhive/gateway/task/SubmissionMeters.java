package io.taskhive.gateway.task;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What the gateway accepts and refuses: {@code taskhive.tasks.submitted} by task type and interface
 * (http, tcp) and {@code taskhive.tasks.rejected} by reason and interface. Tags stay few (types are
 * registered ones, reasons a fixed set); counters are looked up once per combination, not built per
 * task.
 */
@Component
class SubmissionMeters {

    private final MeterRegistry meters;
    private final ConcurrentMap<String, Counter> submitted = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Counter> rejected = new ConcurrentHashMap<>();

    SubmissionMeters(MeterRegistry meters) {
        this.meters = meters;
    }

    void submitted(String type, TaskSubmission.Via via, int tasks) {
        submitted.computeIfAbsent(type + '|' + via.tag, key -> Counter.builder("taskhive.tasks.submitted")
                .description("Tasks stored and queued by this gateway").tag("type", type).tag("interface", via.tag)
                .register(meters)).increment(tasks);
    }

    void rejected(HttpStatus status, TaskSubmission.Via via) {
        String reason = reason(status);
        rejected.computeIfAbsent(reason + '|' + via.tag, key -> Counter.builder("taskhive.tasks.rejected")
                .description("Submissions refused before anything was stored").tag("reason", reason)
                .tag("interface", via.tag).register(meters)).increment();
    }

    static String reason(HttpStatus status) {
        return switch (status) {
            case BAD_REQUEST -> "invalid";
            case CONTENT_TOO_LARGE -> "too_large";
            case TOO_MANY_REQUESTS -> "rate_limited";
            case SERVICE_UNAVAILABLE -> "unavailable";
            default -> "other";
        };
    }
}
