package io.taskhive.benchmarks;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

/**
 * A realistic mix on the packaged services: users arrive (an open workload: arrivals do not wait
 * for the system), register and log in once, then each submits tasks, polls each until it has
 * succeeded, and lists its tasks. The HTML report lands in {@code benchmarks/target/gatling/}.
 *
 * <p>Run with {@code benchmarks/run gatling} (it packages the services first).
 */
public class MixedWorkloadSimulation extends Simulation {

    private static final int USERS_PER_SECOND = Integer.getInteger("users", 5);
    private static final int TASKS_PER_USER = Integer.getInteger("tasksPerUser", 10);
    private static final String AUTH = "Bearer #{token}";

    private final SystemUnderTest system;

    public MixedWorkloadSimulation() throws Exception {
        system = SystemUnderTest.start(1, List.of(), Map.of());

        ChainBuilder submitAndFollow = exec(session -> session.remove("status").set("polls", 0))
                .exec(http("submit").post("/api/tasks").header("Authorization", AUTH)
                        .body(StringBody("{\"type\":\"#{type}\",\"payload\":#{payload}}")).asJson()
                        .check(status().is(202), jsonPath("$.id").saveAs("id")))
                .asLongAs(session -> !"SUCCEEDED".equals(session.getString("status"))
                        && session.getInt("polls") < 600).on(
                        pause(Duration.ofMillis(50))
                                .exec(http("poll").get("/api/tasks/#{id}").header("Authorization", AUTH)
                                        .check(status().is(200), jsonPath("$.status").saveAs("status")))
                                .exec(session -> session.set("polls", session.getInt("polls") + 1)));

        ScenarioBuilder users = scenario("a user's session")
                .exec(session -> session.set("username", "g" + UUID.randomUUID().toString().substring(0, 12))
                        .set("password", "gatling-" + UUID.randomUUID()))
                .exec(http("register").post("/api/auth/register")
                        .body(StringBody("{\"username\":\"#{username}\",\"password\":\"#{password}\"}")).asJson()
                        .check(status().is(201)))
                .exec(http("login").post("/api/auth/login")
                        .body(StringBody("{\"username\":\"#{username}\",\"password\":\"#{password}\"}")).asJson()
                        .check(status().is(200), jsonPath("$.token").saveAs("token")))
                .repeat(TASKS_PER_USER, "n").on(
                        exec(session -> {
                            int n = session.getInt("n");
                            return n % 5 == 4
                                    ? session.set("type", "sleep").set("payload", "{\"seconds\":0.2}")
                                    : session.set("type", n % 2 == 0 ? "uppercase" : "word_count")
                                            .set("payload", "{\"text\":\"hola mundo " + n + "\"}");
                        }).exec(submitAndFollow).pause(Duration.ofMillis(100)))
                .exec(http("list").get("/api/tasks?size=20").header("Authorization", AUTH).check(status().is(200)));

        setUp(users.injectOpen(rampUsersPerSec(1).to(USERS_PER_SECOND).during(Duration.ofSeconds(20)),
                constantUsersPerSec(USERS_PER_SECOND).during(Duration.ofSeconds(40))))
                .protocols(http.baseUrl(system.httpUrl()).acceptHeader("application/json"))
                .assertions(global().failedRequests().percent().lt(1.0));
    }

    @Override
    public void after() {
        try {
            system.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
