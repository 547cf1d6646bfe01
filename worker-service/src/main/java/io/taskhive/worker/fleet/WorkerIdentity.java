package io.taskhive.worker.fleet;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

import org.springframework.stereotype.Component;

import io.taskhive.worker.WorkerProperties;

/** Who this replica is: recorded on every transition it makes and in its heartbeat row. */
@Component
public class WorkerIdentity {

    private final String id;
    private final String host;
    private final Instant startedAt = Instant.now();

    public WorkerIdentity(WorkerProperties properties) {
        this.host = hostName();
        this.id = properties.id() == null || properties.id().isBlank()
                ? host + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6)
                : properties.id();
    }

    private static String hostName() {
        String fromEnv = System.getenv("HOSTNAME");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "worker";
        }
    }

    public String id() {
        return id;
    }

    public String host() {
        return host;
    }

    public Instant startedAt() {
        return startedAt;
    }
}
