package io.taskhive.gateway.task;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;

import io.micrometer.core.instrument.MeterRegistry;
import io.taskhive.task.store.TaskStore;

/**
 * The database connections that store submissions without an idempotency key: a pool of its own,
 * as large as the number of insert batches {@link TaskSubmission} runs at once, whose sessions let
 * PostgreSQL keep one generic plan for the insert.
 *
 * <p>Every other session of the services plans each statement for its actual parameters
 * ({@code plan_cache_mode = force_custom_plan}, gateway.yml), because a generic plan made while
 * the tables were small would scan them. The insert reads no table to choose a plan for, and
 * planning it again each time was a quarter to a third of what a one-at-a-time submission waited
 * for (docs/benchmarks.md, "The insert's plan"). These connections run the insert and nothing
 * else.
 *
 * <p>Settings (URL, credentials, timeouts) are copied from the main pool.
 */
@Component
public class SubmissionConnections implements DisposableBean {

    /** How these sessions appear in {@code pg_stat_activity}. */
    public static final String APPLICATION_NAME = "taskhive-gateway submissions";

    private final HikariDataSource pool;
    private final JdbcClient jdbc;
    private final TaskStore store;

    SubmissionConnections(HikariDataSource main, MeterRegistry meters) {
        HikariConfig config = new HikariConfig();
        main.copyStateTo(config);
        config.setPoolName("taskhive-submissions");
        config.setMaximumPoolSize(TaskSubmission.INSERT_BATCHES_AT_ONCE);
        config.setMinimumIdle(TaskSubmission.INSERT_BATCHES_AT_ONCE);
        // like the main pool, which connects on first use: a database away at start delays
        // the first submission, not the start
        config.setInitializationFailTimeout(-1);
        config.addDataSourceProperty("options", "-c plan_cache_mode=auto -c jit=off");
        config.addDataSourceProperty("ApplicationName", APPLICATION_NAME);
        config.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(meters));
        this.pool = new HikariDataSource(config);
        this.jdbc = JdbcClient.create(pool);
        this.store = new TaskStore(jdbc);
    }

    /** These connections, for a look at their sessions' settings. */
    public JdbcClient jdbc() {
        return jdbc;
    }

    /** The store that inserts submissions over these connections. */
    TaskStore store() {
        return store;
    }

    @Override
    public void destroy() {
        pool.close();
    }
}
