package io.taskhive.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.web.FilterChainProxy;
import org.springframework.security.web.ObservationFilterChainDecorator;
import org.springframework.test.util.ReflectionTestUtils;

import io.micrometer.core.instrument.MeterRegistry;
import io.taskhive.gateway.task.SubmissionConnections;

/** What operators and API users rely on besides the API itself. */
class OperationsTest extends ApiTestSupport {

    @Test
    void healthHasLivenessAndReadinessGroups() {
        assertThat(management.get("/actuator/health/liveness", null).json().get("status").stringValue())
                .isEqualTo("UP");
        ApiClient.Response readiness = management.get("/actuator/health/readiness", null);
        assertThat(readiness.status()).as(readiness.text()).isEqualTo(200);
        assertThat(readiness.json().get("status").stringValue()).isEqualTo("UP");
    }

    @Test
    void publishesAnOpenApiDocumentAndSwaggerUi() {
        ApiClient.Response docs = api.get("/v3/api-docs", null);
        assertThat(docs.status()).isEqualTo(200);
        assertThat(docs.json().get("paths").propertyNames())
                .contains("/api/auth/register", "/api/auth/login", "/api/tasks", "/api/tasks/{id}",
                        "/api/tasks/batch", "/api/tasks/{id}/retry", "/api/admin/tasks", "/api/admin/workers");
        assertThat(api.get("/swagger-ui/index.html", null).status()).isEqualTo(200);
    }

    @Test
    void exposesPrometheusMetrics() {
        api.get("/api/task-types", null); // so that the API port has served a request to count
        ApiClient.Response metrics = management.get("/actuator/prometheus", null);
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.text()).contains("http_server_requests").contains("uri=\"/api/task-types\"")
                .contains("taskhive_dispatch_rounds_seconds_count");
    }

    @Test
    void aRequestIsObservedOnceNotAtEachOfSpringSecuritysFilters() {
        User user = newUser();
        assertThat(api.get("/api/tasks", user.token()).status()).isEqualTo(200);

        // With an observation registry Spring Security wraps each filter of every request in an
        // observation of its own unless told not to; a predicate that turns them into no-ops still
        // creates them per request. The bean is a composite of the chains; the proxy inside it runs
        // them, through its decorator.
        Object composite = system.gateway.getBean("springSecurityFilterChain");
        Object securityFilters = ReflectionTestUtils.getField(composite, "springSecurityFilterChain");
        assertThat(securityFilters).isInstanceOf(FilterChainProxy.class);
        assertThat(ReflectionTestUtils.getField(securityFilters, "filterChainDecorator"))
                .isNotInstanceOf(ObservationFilterChainDecorator.class);
        String metrics = management.get("/actuator/prometheus", null).text();
        assertThat(metrics).contains("http_server_requests_seconds_count{").contains("uri=\"/api/tasks\"")
                .doesNotContain("spring_security_");
    }

    @Test
    void theActuatorIsServedOnlyOnTheManagementPortAndTheApiOnlyOnTheApiPort() {
        // The API port is what a load balancer or Ingress publishes: no health details, no metrics
        // there, however the path is spelt (an unknown path without a token is a 401, like any other).
        for (String path : List.of("/actuator/prometheus", "/actuator/health", "/actuator/metrics",
                "/actuator/health/readiness", "/api/../actuator/prometheus", "/%61ctuator/prometheus")) {
            ApiClient.Response response = api.get(path, null);
            assertThat(response.status()).as(path + ": " + response.text()).isIn(400, 401, 404);
            assertThat(response.text()).as(path).doesNotContain("jvm_memory").doesNotContain("\"UP\"");
        }
        assertThat(management.get("/api/task-types", null).status()).isEqualTo(404);
        assertThat(management.get("/v3/api-docs", null).status()).isEqualTo(404);
        // The detailed metrics endpoint stays behind the admin role, on the management port too.
        assertThat(management.get("/actuator/metrics", null).status()).isEqualTo(401);
    }

    @Test
    void bothServicesPlanEachStatementForTheTablesAsTheyAreNow() {
        // A generic plan cached while the tables were small would scan them whole (docs/benchmarks.md).
        for (ConfigurableApplicationContext service : List.of(system.gateway, system.worker)) {
            assertThat(service.getBean(JdbcClient.class).sql("show plan_cache_mode").query(String.class).single())
                    .isEqualTo("force_custom_plan");
        }
    }

    @Test
    void noSessionOfEitherServiceCompilesItsStatements() {
        // With realistic statistics the dispatch round's statement passed jit_above_cost and spent
        // 10-70 ms compiling for 2 ms of execution (docs/benchmarks.md).
        for (ConfigurableApplicationContext service : List.of(system.gateway, system.worker)) {
            assertThat(service.getBean(JdbcClient.class).sql("show jit").query(String.class).single()).isEqualTo("off");
        }
        JdbcClient submissions = system.gateway.getBean(SubmissionConnections.class).jdbc();
        assertThat(submissions.sql("show jit").query(String.class).single()).isEqualTo("off");
    }

    @Test
    void submissionsAreStoredOverConnectionsOfTheirOwnThatKeepAGenericPlan() {
        // The insert reads no table to choose a plan for; planning it again each time was a quarter
        // to a third of a one-at-a-time submission's wait (docs/benchmarks.md, "The insert's plan").
        JdbcClient submissions = system.gateway.getBean(SubmissionConnections.class).jdbc();
        assertThat(submissions.sql("show plan_cache_mode").query(String.class).single()).isEqualTo("auto");

        User user = newUser();
        String type = "uppercase";
        for (int i = 0; i < 3; i++) {
            assertThat(api.post("/api/tasks", user.token(), Map.of("type", type, "payload", Map.of("text", "a" + i)))
                    .status()).isEqualTo(202);
        }
        List<String> lastStatements = system.gateway.getBean(JdbcClient.class).sql("""
                select query from pg_stat_activity
                 where datname = current_database() and application_name = :name""")
                .param("name", SubmissionConnections.APPLICATION_NAME).query(String.class).list();
        assertThat(lastStatements).isNotEmpty().anySatisfy(query -> assertThat(query.strip()).startsWith("with inserted as ("));
        // Other gateways of the tests share the database and the application name, so this
        // gateway's own bound is read from its pool's metrics.
        MeterRegistry meters = system.gateway.getBean(MeterRegistry.class);
        assertThat(meters.get("hikaricp.connections.max").tag("pool", "taskhive-submissions").gauge().value())
                .as("at most two batches are written at once").isEqualTo(2);
        assertThat(meters.get("hikaricp.connections").tag("pool", "taskhive-submissions").gauge().value())
                .isBetween(1.0, 2.0);
    }

    @Test
    void unknownPathsAreProblemsToo() {
        User user = newUser();
        ApiClient.Response missing = api.get("/api/nothing-here", user.token());
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.text()).doesNotContain("Exception");
    }
}
