package io.taskhive.standalone;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import org.slf4j.LoggerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.taskhive.gateway.GatewayApplication;
import io.taskhive.gateway.tcp.TcpServer;
import io.taskhive.worker.WorkerApplication;
import io.taskhive.worker.WorkerProperties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/**
 * The whole system in one JVM, nothing installed: an embedded PostgreSQL and an embedded AMQP
 * broker (data under the data directory, kept across restarts), then a worker and a gateway as two
 * Spring contexts wired exactly as in production: tasks go over AMQP, state through the database.
 * Ctrl-C (or SIGTERM) stops them in order: gateway, worker (which hands back what it cannot finish),
 * broker, database.
 */
@Command(name = "taskhive-standalone", mixinStandardHelpOptions = true, version = "taskhive standalone 0.1",
        description = {"Runs taskhive in one JVM: embedded PostgreSQL and AMQP broker, a worker and a gateway.",
                "TASKHIVE_DB_URL / TASKHIVE_RABBITMQ_HOST (and the other TASKHIVE_* variables of the README) "
                        + "point it at existing servers instead of embedded ones."})
public final class StandaloneApplication implements Callable<Integer> {

    static final String READY = "taskhive standalone is up";

    private static final List<String> WORKER_SECURITY_AUTOCONFIGURATION = List.of(
            "org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration",
            "org.springframework.boot.security.oauth2.server.resource.autoconfigure.OAuth2ResourceServerAutoConfiguration",
            "org.springframework.boot.security.oauth2.server.resource.autoconfigure.web."
                    + "OAuth2ResourceServerWebSecurityAutoConfiguration");

    @Option(names = "--data-dir", description = "where the data lives (default: ~/.taskhive/standalone, "
            + "or TASKHIVE_STANDALONE_DATA_DIR)")
    Path dataDirectory;

    @Option(names = "--infrastructure-only", description = "start only PostgreSQL and the broker, and print the "
            + "settings that point gateways and workers run elsewhere (an IDE, java -jar) at them")
    boolean infrastructureOnly;

    @Option(names = "--http-port", defaultValue = "${env:TASKHIVE_HTTP_PORT:-8080}", description = "gateway HTTP port")
    int httpPort;

    @Option(names = "--tcp-port", defaultValue = "${env:TASKHIVE_TCP_PORT:-5000}", description = "gateway TCP port")
    int tcpPort;

    @Option(names = "--management-port", defaultValue = "${env:TASKHIVE_MANAGEMENT_PORT:-8090}",
            description = "gateway health and metrics port")
    int managementPort;

    @Option(names = "--worker-http-port", defaultValue = "${env:TASKHIVE_WORKER_HTTP_PORT:-8081}",
            description = "worker health and metrics port")
    int workerHttpPort;

    // A demo on a developer's machine: reachable from it only, unless asked (--bind 0.0.0.0).
    @Option(names = "--bind", defaultValue = "${env:TASKHIVE_STANDALONE_BIND:-127.0.0.1}",
            description = "address the gateway (HTTP, TCP) and the worker listen on; 0.0.0.0 for every interface")
    String bindAddress;

    @Option(names = "--db-port", defaultValue = "15432", description = "embedded PostgreSQL port (0: any free one)")
    int databasePort;

    @Option(names = "--amqp-port", defaultValue = "15673", description = "embedded AMQP broker port (0: any free one)")
    int brokerPort;

    private final PrintStream out;
    private final Map<String, String> environment;

    StandaloneApplication(PrintStream out, Map<String, String> environment) {
        this.out = out;
        this.environment = environment;
    }

    public static void main(String[] args) {
        quietThirdPartyLogs();
        exitCleanlyOn("INT");
        exitCleanlyOn("TERM");
        int exit = new CommandLine(new StandaloneApplication(System.out, System.getenv())).execute(args);
        if (exit != 0) {
            System.exit(exit);
        }
    }

    @Override
    public Integer call() throws Exception {
        Path data = dataDirectory != null ? dataDirectory
                : environment.containsKey("TASKHIVE_STANDALONE_DATA_DIR")
                        ? Path.of(environment.get("TASKHIVE_STANDALONE_DATA_DIR"))
                        : Path.of(System.getProperty("user.home"), ".taskhive", "standalone");
        data = data.toAbsolutePath();
        StandaloneSecrets secrets = new StandaloneSecrets(data.resolve("secrets"));
        Running running = new Running();
        // One hook stops everything in order; the Spring contexts register none of their own.
        Thread stopper = new Thread(running::close, "taskhive-standalone-shutdown");
        Runtime.getRuntime().addShutdownHook(stopper);
        try {
            running.infrastructure = StandaloneInfrastructure.start(data, databasePort, brokerPort, secrets, environment);
            if (infrastructureOnly) {
                printInfrastructure(running.infrastructure);
            } else {
                startServices(running, secrets);
                print(running, secrets);
            }
        } catch (RuntimeException e) {
            out.println("taskhive standalone could not start: " + rootMessage(e));
            Runtime.getRuntime().removeShutdownHook(stopper);
            running.close();
            return 1;
        }
        new CountDownLatch(1).await(); // until Ctrl-C: the shutdown hook stops everything
        return 0;
    }

    private void startServices(Running running, StandaloneSecrets secrets) {
        Map<String, Object> shared = new LinkedHashMap<>(running.infrastructure.settings());
        shared.put("logging.level.qpid", "WARN");
        shared.put("logging.level.org.apache.qpid", "WARN");
        shared.put("logging.level.io.zonky", "WARN");
        shared.put("logging.level.DERBY", "ERROR");
        // Both contexts share one logging system: a per-line application name would be the first one's.
        shared.put("logging.include-application-name", false);

        Map<String, Object> worker = new LinkedHashMap<>(shared);
        worker.put("server.port", workerHttpPort);
        worker.put("server.address", bindAddress);
        // The gateway brings Spring Security onto the one class path, and Boot would lock the
        // worker's actuator behind HTTP Basic with a password nobody sees. A deployed worker has no
        // Spring Security (its health and metrics are open to the scraper), so neither has this one.
        worker.put("spring.autoconfigure.exclude", String.join(",", WORKER_SECURITY_AUTOCONFIGURATION));
        running.worker = start(WorkerApplication.builder().main(WorkerApplication.class), worker);

        Map<String, Object> gateway = new LinkedHashMap<>(shared);
        gateway.put("server.port", httpPort);
        gateway.put("server.address", bindAddress);
        gateway.put("management.server.port", managementPort);
        gateway.put("management.server.address", bindAddress);
        gateway.put("taskhive.tcp.port", tcpPort);
        gateway.put("taskhive.tcp.address", bindAddress);
        if (blank(environment.get("TASKHIVE_JWT_SECRET"))) {
            gateway.put("taskhive.security.jwt-secret", secrets.jwtSecret());
        }
        if (blank(environment.get("TASKHIVE_ADMIN_USERNAME"))) {
            gateway.put("taskhive.security.admin-username", "admin");
            gateway.put("taskhive.security.admin-password", secrets.password("admin"));
        }
        running.gateway = start(GatewayApplication.builder().main(GatewayApplication.class), gateway);
        DemoAccount.ensure(running.gateway, secrets.password(DemoAccount.USERNAME));
    }

    /** Settings as command-line arguments: they win over the services' own defaults (gateway.yml, worker.yml). */
    private static ConfigurableApplicationContext start(SpringApplicationBuilder builder, Map<String, Object> settings) {
        List<String> arguments = new ArrayList<>();
        settings.forEach((key, value) -> arguments.add("--" + key + "=" + value));
        return builder.registerShutdownHook(false).run(arguments.toArray(String[]::new));
    }

    private void print(Running running, StandaloneSecrets secrets) {
        int http = ((WebServerApplicationContext) running.gateway).getWebServer().getPort();
        int tcp = running.gateway.getBean(TcpServer.class).port();
        int workerPort = ((WebServerApplicationContext) running.worker).getWebServer().getPort();
        out.println();
        out.println(READY);
        out.println(StandaloneInfrastructure.line("web client", "http://localhost:" + http + "/   (log in as the "
                + "demo user below; the admin sees the console)"));
        out.println(StandaloneInfrastructure.line("HTTP API", "http://localhost:" + http + "/api/tasks"));
        out.println(StandaloneInfrastructure.line("Swagger UI", "http://localhost:" + http + "/swagger-ui.html"));
        out.println(StandaloneInfrastructure.line("TCP", "localhost:" + tcp + "   e.g. nc localhost " + tcp
                + " then {\"action\":\"ping\"}"));
        out.println(StandaloneInfrastructure.line("worker", "http://localhost:" + workerPort + "/actuator/health"));
        String management = running.gateway.getEnvironment().getRequiredProperty("local.management.port");
        out.println(StandaloneInfrastructure.line("metrics", "http://localhost:" + workerPort
                + "/actuator/prometheus (worker), http://localhost:" + management + "/actuator/prometheus (gateway)"));
        running.infrastructure.description().forEach(out::println);
        out.println(StandaloneInfrastructure.line("demo user", DemoAccount.USERNAME + " / "
                + secrets.password(DemoAccount.USERNAME)));
        if (blank(environment.get("TASKHIVE_ADMIN_USERNAME"))) {
            out.println(StandaloneInfrastructure.line("admin", "admin / " + secrets.password("admin")));
        }
        out.println("  try it:      curl -s -XPOST localhost:" + http + "/api/auth/login -H 'Content-Type: "
                + "application/json' -d '{\"username\":\"demo\",\"password\":\"" + secrets.password(DemoAccount.USERNAME)
                + "\"}'");
        long grace = running.worker.getBean(WorkerProperties.class).shutdownGrace().toSeconds();
        out.println("  Ctrl-C stops everything: running tasks get up to " + grace + " s to finish, the rest are"
                + " handed back for the next start; the data stays.");
        out.flush();
    }

    private void printInfrastructure(StandaloneInfrastructure infrastructure) {
        out.println();
        out.println(READY + " (infrastructure only)");
        infrastructure.description().forEach(out::println);
        out.println("  point a gateway or worker at them with:");
        out.println("    export " + String.join(" ", infrastructure.exports()));
        out.println("  Ctrl-C stops them; the data stays for the next start.");
        out.flush();
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + root.getMessage() + ")";
    }

    /**
     * Before the Spring contexts configure logging, the embedded servers would log at DEBUG
     * (logback's default); Qpid alone writes hundreds of lines at INFO.
     */
    private static void quietThirdPartyLogs() {
        if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext context) {
            context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.INFO);
            context.getLogger("qpid").setLevel(Level.WARN);
            context.getLogger("org.apache.qpid").setLevel(Level.WARN);
            context.getLogger("io.zonky").setLevel(Level.WARN);
            context.getLogger("DERBY").setLevel(Level.ERROR);
        }
    }

    /**
     * Ctrl-C and SIGTERM are the normal way to stop: the shutdown hook stops everything in order,
     * and the exit status is 0 rather than the JVM's 130/143 for a signal.
     */
    private static void exitCleanlyOn(String signal) {
        try {
            Signal.handle(new Signal(signal), received -> System.exit(0));
        } catch (IllegalArgumentException e) {
            // not a signal on this platform
        }
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    /** What has been started, stopped in the reverse order. */
    private final class Running {

        volatile StandaloneInfrastructure infrastructure;
        volatile ConfigurableApplicationContext worker;
        volatile ConfigurableApplicationContext gateway;

        synchronized void close() {
            // The gateway first (it drains HTTP and TCP), then the worker (it finishes or hands back
            // its tasks, which needs the broker and the database), then the servers.
            boolean started = infrastructure != null;
            stop(gateway);
            gateway = null;
            stop(worker);
            worker = null;
            stop(infrastructure);
            infrastructure = null;
            if (started) {
                out.println("taskhive standalone stopped");
                out.flush();
            }
        }

        /** One part failing to stop does not keep the others running. */
        private void stop(AutoCloseable part) {
            if (part == null) {
                return;
            }
            try {
                part.close();
            } catch (Exception e) {
                out.println("taskhive standalone: stopping " + part + " failed: " + e.getMessage());
            }
        }
    }
}
