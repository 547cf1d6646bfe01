package io.taskhive.gateway;

import org.slf4j.Logger;
import org.springframework.core.NestedExceptionUtils;

/**
 * What a periodic gateway job says about a database outage: one warning when it begins and one line
 * when it ends. These jobs run several times a second, and a line per failed run would bury
 * everything else in the log.
 */
public final class OutageLog {

    private final Logger log;
    private final String job;
    private volatile boolean down;

    /** @param job what stops during the outage, as the log lines name it ("dispatch rounds") */
    public OutageLog(Logger log, String job) {
        this.log = log;
        this.job = job;
    }

    /** A run failed for want of the database. */
    public void failed(Exception cause) {
        if (!down) {
            down = true;
            log.warn("{} paused, database unavailable: {}", job, NestedExceptionUtils.getMostSpecificCause(cause)
                    .getMessage());
        }
    }

    /** A run went through. */
    public void succeeded() {
        if (down) {
            down = false;
            log.info("{} running again, database back", job);
        }
    }
}
