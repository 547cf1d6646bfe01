#
# taskhive images, both services from one file: one Maven build, then a runtime stage per service on a
# shared base. Build from the repository root (the build needs the parent POM and the sibling
# modules), choosing the service with --target:
#
#   DOCKER_BUILDKIT=1 docker build --target gateway -t taskhive/gateway-service:0.1.0-SNAPSHOT .
#   DOCKER_BUILDKIT=1 docker build --target worker  -t taskhive/worker-service:0.1.0-SNAPSHOT .
#
# The second build reuses the first one's build stage from the cache: Maven runs once for both.
# BuildKit is required (RUN --mount=type=cache below): the classic builder rejects the file. Docker
# Engine 23+, `docker buildx build` and Compose v2 use BuildKit by default; Docker 20.10 and
# docker-compose 1.29 need DOCKER_BUILDKIT=1 (and COMPOSE_DOCKER_CLI_BUILD=1 for docker-compose).
# There is no "# syntax=" line on purpose: it makes BuildKit fetch a frontend image from Docker Hub,
# and the built-in frontend of Docker 20.10+ already supports cache mounts.
#
# No secret is baked in: TASKHIVE_JWT_SECRET, the database and broker credentials and everything else
# come from the environment at run time (docker-compose.yml, k8s/).

# The JVM's AOT cache (JDK 25, JEP 483/514/515): each service stage starts its application once at
# build time, up to the end of the context refresh (spring.context.exit=onRefresh: no listener, port
# or connection is opened), and the JVM writes the classes it loaded and linked, and the method
# profiles it gathered, to /app/application.aot. Starting from it, a service reaches its first task
# or submission in less than half the time of a plain start (docs/benchmarks.md, "Starting in
# seconds"; the class-data archive these images had on Java 21 saved about a third). No database
# or broker exists at build time, so the training run does not migrate (nothing else in the refresh
# asks the database anything). The cache is made by the runtime image's own JVM, as it must be; a JVM
# that cannot use it (another build of the JDK, a different class path) says so once and starts
# without it.
ARG AOT_TRAINING_RUN="-XX:AOTCacheOutput=/app/application.aot -Dspring.context.exit=onRefresh \
 -Dspring.flyway.enabled=false"

# ---- build: the same Maven wrapper and command as CI, for both services and what they depend on ----
FROM eclipse-temurin:25-jdk AS build
WORKDIR /src
COPY . .
# The Maven repository lives in a BuildKit cache mount, so dependencies are downloaded once, not on
# every source change, and never end up in an image layer. maven.test.skip: the tests ran in CI
# already; compiling them here would only slow every image build down.
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -ntp -Dmaven.test.skip=true -pl gateway-service,worker-service -am package \
 && for module in gateway-service worker-service; do \
      mkdir -p "/jars/$module" && cp "$module/target/$module"-*-exec.jar "/jars/$module/application.jar" || exit 1; \
    done
# Spring Boot layered extraction: dependencies change rarely, the application often, so the runtime
# stages copy them into separate image layers, least often changed first. The extracted jar keeps
# its file name, application.jar, which the ENTRYPOINT runs.
RUN for module in gateway-service worker-service; do \
      java -Djarmode=tools -jar "/jars/$module/application.jar" extract --layers --destination "/layers/$module" \
      || exit 1; \
    done

# ---- runtime base: a JRE only and a non-root user ----
FROM eclipse-temurin:25-jre-alpine AS runtime
RUN addgroup -S -g 10001 taskhive \
 && adduser -S -D -H -u 10001 -G taskhive -h /app -s /sbin/nologin taskhive
WORKDIR /app
USER 10001:10001
# The JVM sizes its heap from the container's memory limit, not the host's. 70 %, not more: the
# rest of the limit is off-heap (metaspace, code cache, thread stacks, NIO direct buffers, socket
# buffers of many TCP connections), and a container over its limit is OOM-killed without a Java
# error. Override the whole line with JAVA_TOOL_OPTIONS at run time if needed.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=70.0 -XX:InitialRAMPercentage=25.0 -XX:+ExitOnOutOfMemoryError"
# Exec form: the JVM is PID 1 and receives SIGTERM itself, so Spring's graceful shutdown runs (a
# gateway drains its TCP connections; a worker finishes its tasks or hands them back unacknowledged).
ENTRYPOINT ["java", "-XX:AOTCache=/app/application.aot", "-jar", "/app/application.jar"]

# ---- worker: consumes tasks from RabbitMQ ----
FROM runtime AS worker
COPY --from=build /layers/worker-service/dependencies/ ./
COPY --from=build /layers/worker-service/spring-boot-loader/ ./
COPY --from=build /layers/worker-service/snapshot-dependencies/ ./
COPY --from=build /layers/worker-service/application/ ./
ARG AOT_TRAINING_RUN
USER root
RUN java $AOT_TRAINING_RUN -jar /app/application.jar >/tmp/aot-training.log 2>&1 && test -s application.aot \
 || { cat /tmp/aot-training.log; exit 1; }; rm -f /tmp/aot-training.log
USER 10001:10001
ENV TASKHIVE_WORKER_HTTP_PORT=8081
# 8081: health and Prometheus metrics only; workers take their work from RabbitMQ.
EXPOSE 8081
# Readiness includes PostgreSQL and RabbitMQ; busybox wget is part of the Alpine base.
HEALTHCHECK --interval=5s --timeout=3s --start-period=90s --retries=3 \
  CMD wget -q -O /dev/null "http://127.0.0.1:${TASKHIVE_WORKER_HTTP_PORT}/actuator/health/readiness" || exit 1

# ---- gateway: HTTP API, TCP socket, dashboard (the last stage: a build without --target) ----
FROM runtime AS gateway
COPY --from=build /layers/gateway-service/dependencies/ ./
COPY --from=build /layers/gateway-service/spring-boot-loader/ ./
COPY --from=build /layers/gateway-service/snapshot-dependencies/ ./
COPY --from=build /layers/gateway-service/application/ ./
ARG AOT_TRAINING_RUN
USER root
# The signing key of the training run signs nothing: the run ends before any port opens.
RUN TASKHIVE_JWT_SECRET=aot-training-run-only-no-token-is-ever-signed-with-this-value \
    java $AOT_TRAINING_RUN -jar /app/application.jar >/tmp/aot-training.log 2>&1 && test -s application.aot \
 || { cat /tmp/aot-training.log; exit 1; }; rm -f /tmp/aot-training.log
USER 10001:10001
ENV TASKHIVE_HTTP_PORT=8080 \
    TASKHIVE_TCP_PORT=5000 \
    TASKHIVE_MANAGEMENT_PORT=8090
# 8080: HTTP API (REST, SSE, web client); 5000: the raw TCP JSON socket listener; 8090: health and
# Prometheus metrics, for probes, load-balancer checks and scrapers only (never published).
EXPOSE 8080 5000 8090
HEALTHCHECK --interval=5s --timeout=3s --start-period=90s --retries=3 \
  CMD wget -q -O /dev/null "http://127.0.0.1:${TASKHIVE_MANAGEMENT_PORT}/actuator/health/readiness" || exit 1
