package io.taskhive.migration;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.taskhive.testing.TestInfrastructure;
import io.taskhive.testing.TestInfrastructureExtension;

/** Gateway and worker both migrate at start-up; whichever comes first, at the same time or not. */
class ConcurrentMigrationTest {

    @RegisterExtension
    static final TestInfrastructureExtension infrastructure = new TestInfrastructureExtension();

    @Test
    void twoServicesMigratingAtOnceBothSucceed() throws Exception {
        TestInfrastructure.Database database = infrastructure.newDatabase();
        CompletableFuture<?> first = CompletableFuture.runAsync(() -> migrate(database));
        CompletableFuture<?> second = CompletableFuture.runAsync(() -> migrate(database));
        CompletableFuture.allOf(first, second).join();
        assertThat(flyway(database).info().pending()).isEmpty();
        try (Connection connection = database.connect(); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(
                        "select count(*), bool_and(success) from flyway_schema_history where version is not null")) {
            rows.next();
            assertThat(rows.getInt(1)).isEqualTo(flyway(database).info().applied().length).isPositive();
            assertThat(rows.getBoolean(2)).isTrue();
        }
    }

    private static void migrate(TestInfrastructure.Database database) {
        flyway(database).migrate();
    }

    private static Flyway flyway(TestInfrastructure.Database database) {
        return Flyway.configure().dataSource(database.url(), database.user(), database.password()).load();
    }
}
