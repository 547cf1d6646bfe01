package io.taskhive.gateway.tcp;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import jakarta.annotation.Nullable;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;

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
        @DefaultValue("true") boolean enabled,
        @DefaultValue("5000") @Min(0) @Max(65_535) int port,
        @Nullable String address,
        @DefaultValue("20000") @Min(1) int maxConnections,
        @DefaultValue("5m") Duration idleTimeout,
        @DefaultValue("65536") @Min(16 * 1024) @Max(16 * 1024 * 1024) int maxRequestBytes,
        @DefaultValue("false") boolean legacyClients,
        @DefaultValue("seed-clients") @NotBlank String legacyOwner,
        @DefaultValue("10s") Duration drainTimeout,
        @DefaultValue("30s") Duration writeTimeout) {

    public TcpProperties {
        address = address == null || address.isBlank() ? null : address;
    }
}
