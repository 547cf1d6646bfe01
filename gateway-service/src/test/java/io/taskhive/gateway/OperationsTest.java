package io.taskhive.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/** What operators and API users rely on besides the API itself. */
class OperationsTest extends ApiTestSupport {

    @Test
    void healthHasLivenessAndReadinessGroups() {
        assertThat(api.get("/actuator/health/liveness", null).json().get("status").stringValue()).isEqualTo("UP");
        ApiClient.Response readiness = api.get("/actuator/health/readiness", null);
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
        ApiClient.Response metrics = api.get("/actuator/prometheus", null);
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.text()).contains("http_server_requests");
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
    void unknownPathsAreProblemsToo() {
        User user = newUser();
        ApiClient.Response missing = api.get("/api/nothing-here", user.token());
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.text()).doesNotContain("Exception");
    }
}
