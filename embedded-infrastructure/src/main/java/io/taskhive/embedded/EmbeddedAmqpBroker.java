package io.taskhive.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.qpid.server.SystemLauncher;
import org.apache.qpid.server.SystemLauncherListener;
import org.apache.qpid.server.model.Broker;
import org.apache.qpid.server.model.Port;
import org.apache.qpid.server.model.State;
import org.apache.qpid.server.model.SystemConfig;
import org.apache.qpid.server.model.VirtualHostNode;
import org.apache.qpid.server.model.port.AmqpPort;

/**
 * An AMQP 0-9-1 broker in this JVM: Apache Qpid Broker-J with a Derby message store under
 * {@code workDirectory}, so durable queues and persistent messages survive a restart. It listens on
 * 127.0.0.1 with one PLAIN user, and AMQP's virtual host {@code /} reaches its only virtual host,
 * so the same client settings work as against a RabbitMQ with default settings.
 *
 * <p>Unlike RabbitMQ it refuses RabbitMQ's queue arguments (quorum type, delivery limit, dead-letter
 * exchange): taskhive declares classic queues without arguments for it
 * ({@code taskhive.messaging.queue-type=classic}).
 */
public final class EmbeddedAmqpBroker implements AutoCloseable {

    /** AMQP product name a client sees in the server properties. */
    public static final String PRODUCT = "qpid";

    static {
        // Derby would write derby.log into the working directory; send its output to Qpid's logger instead.
        if (System.getProperty("derby.stream.error.method") == null
                && System.getProperty("derby.stream.error.file") == null) {
            System.setProperty("derby.stream.error.method",
                    "org.apache.qpid.server.store.derby.DerbyUtils.getDerbyLogWriter");
        }
    }

    private final SystemLauncher launcher;
    private final int port;
    private final String user;
    private final String password;
    private final Path workDirectory;

    private EmbeddedAmqpBroker(SystemLauncher launcher, int port, String user, String password, Path workDirectory) {
        this.launcher = launcher;
        this.port = port;
        this.user = user;
        this.password = password;
        this.workDirectory = workDirectory;
    }

    /**
     * Starts a broker on its data in {@code workDirectory} (created if missing).
     *
     * @param port 0 for any free port ({@link #port()} tells which)
     */
    public static EmbeddedAmqpBroker start(Path workDirectory, int port, String user, String password) {
        Path work = workDirectory.toAbsolutePath();
        try {
            Files.createDirectories(work);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the broker's directory " + work, e);
        }
        Map<String, String> context = new HashMap<>();
        context.put(SystemConfig.QPID_WORK_DIR, work.toString());
        context.put("qpid.amqp_port", Integer.toString(port));
        context.put("qpid.amqp_bind", "127.0.0.1");
        context.put("qpid.user.name", user);
        context.put("qpid.user.password", password);
        // No preferences.json (user preferences of the management UI, which is not installed).
        context.put("qpid.broker.defaultPreferenceStoreAttributes", "{\"type\": \"Noop\"}");
        // Qpid sizes its pools for a dedicated server (about 90 threads); a handful serve taskhive.
        context.put("virtualhost.connectionThreadPool.size", "4");
        context.put("virtualhost.connectionThreadPool.numberOfSelectors", "1");
        context.put("qpid.port.amqp.threadPool.size", "2");
        context.put("qpid.port.amqp.threadPool.numberOfSelectors", "1");

        Map<String, Object> attributes = new HashMap<>();
        // "Memory": the broker's own configuration is read from the resource at every start (only
        // the virtual host, its queues and messages are stored, in Derby).
        attributes.put(SystemConfig.TYPE, "Memory");
        attributes.put(SystemConfig.INITIAL_CONFIGURATION_LOCATION, initialConfiguration(work).toUri().toString());
        attributes.put(SystemConfig.INITIAL_SYSTEM_PROPERTIES_LOCATION, noSystemProperties(work).toUri().toString());
        attributes.put(SystemConfig.STARTUP_LOGGED_TO_SYSTEM_OUT, Boolean.FALSE);
        attributes.put(SystemConfig.CONTEXT, context);

        AtomicReference<SystemConfig<?>> system = new AtomicReference<>();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        SystemLauncher launcher = new SystemLauncher(new SystemLauncherListener.DefaultSystemLauncherListener() {
            @Override
            public void onContainerResolve(SystemConfig<?> config) {
                system.set(config);
            }

            @Override
            public void errorOnStartup(RuntimeException e) {
                failure.set(e);
            }
        });
        try {
            launcher.startup(attributes);
        } catch (Exception e) {
            throw new IllegalStateException("the embedded AMQP broker did not start: " + e.getMessage(), e);
        }
        // Qpid reports configuration errors to the listener and a busy port as a port in state ERRORED,
        // not by throwing: check that the port listens and the virtual host is up.
        AmqpPort<?> amqp = null;
        VirtualHostNode<?> node = null;
        if (failure.get() == null && system.get() != null) {
            Broker<?> broker = (Broker<?>) system.get().getContainer();
            amqp = broker.getChildren(Port.class).stream().filter(p -> p instanceof AmqpPort<?>)
                    .map(p -> (AmqpPort<?>) p).findFirst().orElse(null);
            node = broker.findDefautVirtualHostNode();
        }
        boolean usable = amqp != null && amqp.getState() == State.ACTIVE && amqp.getBoundPort() > 0 && node != null
                && node.getVirtualHost() != null && node.getVirtualHost().getState() == State.ACTIVE;
        if (!usable) {
            launcher.shutdown();
            String why = failure.get() != null ? failure.get().getMessage()
                    : amqp == null || amqp.getBoundPort() <= 0 ? "port " + port + " is not available"
                    : "its virtual host did not start (is " + work + " in use by another broker?)";
            throw new IllegalStateException("the embedded AMQP broker did not start: " + why, failure.get());
        }
        detachShutdownHook(system.get().getContainer());
        return new EmbeddedAmqpBroker(launcher, amqp.getBoundPort(), user, password, work);
    }

    /*
     * Qpid reads its configuration and its system properties from URLs that default to
     * "classpath:…", a URL scheme whose handler the JDK finds only on the system class path; inside
     * Spring Boot's executable jar Qpid's classes are in a nested jar, and the broker fails with
     * "unknown protocol: classpath". Both are given as plain files instead.
     */

    private static Path noSystemProperties(Path work) {
        Path file = work.resolve("qpid-system.properties");
        try {
            Files.writeString(file, "# no extra system properties for the embedded broker\n");
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static Path initialConfiguration(Path work) {
        Path file = work.resolve("qpid-broker.json");
        try (var resource = EmbeddedAmqpBroker.class.getResourceAsStream("qpid-broker.json")) {
            if (resource == null) {
                throw new IllegalStateException("qpid-broker.json is missing from the class path");
            }
            Files.write(file, resource.readAllBytes());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the broker's configuration to " + file, e);
        }
    }

    /**
     * Qpid stops itself in a JVM shutdown hook of its own, which runs alongside, not after, the
     * shutdown of the services still using it (they would lose the broker mid-drain). Its owner
     * closes it in order instead. The hook is a private field of Qpid's broker, hence reflection;
     * should that fail, the broker merely keeps stopping itself at exit.
     */
    private static void detachShutdownHook(Object broker) {
        for (Class<?> type = broker.getClass(); type != null; type = type.getSuperclass()) {
            try {
                Field hook = type.getDeclaredField("_shutdownHook");
                hook.setAccessible(true);
                Runtime.getRuntime().removeShutdownHook((Thread) hook.get(broker));
                return;
            } catch (NoSuchFieldException e) {
                // look in the superclass
            } catch (ReflectiveOperationException | RuntimeException e) {
                return;
            }
        }
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return port;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    /** AMQP's default virtual host, mapped to the broker's only one. */
    public String virtualHost() {
        return "/";
    }

    public Path workDirectory() {
        return workDirectory;
    }

    /** Stops the broker (its threads keep a JVM alive until this is called). */
    @Override
    public void close() {
        launcher.shutdown();
    }
}
