package io.taskhive.gateway.tcp;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/**
 * The raw TCP JSON listener ({@code taskhive.tcp.*}).
 *
 * @param enabled         start the listener at all
 * @param port            where it listens (0: any free port)
 * @param address         the local address it binds (default: every interface; the standalone mode
 *                        binds 127.0.0.1)
 * @param maxConnections  connections held at once; one more gets an error line and is closed
 * @param idleTimeout     a connection silent for this long (also mid-request) is closed; a subscribed
 *                        connection is listening, not idle, and is exempt
 * @param maxRequestBytes largest single request; a larger one gets an error and the connection closes
 *                        (at least 16 KiB: the parser reads ahead in blocks of up to 8 KB)
 * @param legacyClients   the seeds' compatibility switch: trust seed 2's bare {@code username} and
 *                        run seed 1's anonymous tasks (as the user {@code legacyOwner}); off by
 *                        default because it is no authentication at all
 * @param legacyOwner     the account that owns seed 1's anonymous tasks
 * @param drainTimeout    on shutdown, how long open connections may finish their current request
 * @param writeTimeout    a client that reads nothing for this long while a reply or event waits to
 *                        be written is disconnected
 */
@Validated
@ConfigurationProperties("taskhive.tcp")
public record TcpProperties(
        Boolean enabled,
        @Min(0) @Max(65_535) Integer port,
        String address,
        @Min(1) Integer maxConnections,
        Duration idleTimeout,
        @Min(16 * 1024) @Max(16 * 1024 * 1024) Integer maxRequestBytes,
        Boolean legacyClients,
        String legacyOwner,
        Duration drainTimeout,
        Duration writeTimeout) {

    public TcpProperties {
        enabled = enabled == null || enabled;
        port = port == null ? 5000 : port;
        address = address == null || address.isBlank() ? null : address;
        maxConnections = maxConnections == null ? 20_000 : maxConnections;
        idleTimeout = idleTimeout == null ? Duration.ofMinutes(5) : idleTimeout;
        maxRequestBytes = maxRequestBytes == null ? 64 * 1024 : maxRequestBytes;
        legacyClients = legacyClients != null && legacyClients;
        legacyOwner = legacyOwner == null || legacyOwner.isBlank() ? "seed-clients" : legacyOwner;
        drainTimeout = drainTimeout == null ? Duration.ofSeconds(10) : drainTimeout;
        writeTimeout = writeTimeout == null ? Duration.ofSeconds(30) : writeTimeout;
    }
}
