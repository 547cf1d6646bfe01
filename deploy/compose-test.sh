#!/usr/bin/env bash
# End-to-end test of docker-compose.yml on a real Docker engine: builds both images from the
# Dockerfile, brings the whole system up with a throw-away .env, then, through HAProxy only, runs
# every task type over HTTP and TCP, produces a report larger than the artifact threshold and
# downloads it from the artifact store (HTTP and TCP), scales workers to 5 and gateways to 3, SIGKILLs
# a worker and a gateway in the middle of bursts, restarts the gateways one at a time under load, and
# checks that every acknowledged task succeeded exactly once (deploy/compose_e2e.py does the
# scenarios). Ends with `docker-compose down -v` and prints one summary line:
#
#   compose-e2e: services=healthy http=ok tcp=ok artifact=ok workers=5 burst=1000 killed_worker_lost=0 ...
#
# Artifact storage: deploy/compose-test.s3.yml, an override used only here, adds S3Mock's server as
# the S3 service (no MinIO image can be had on CI machines): S3Mock's executable jar, fetched from
# Maven Central with the Maven Wrapper (the <s3mock.version> of the parent POM), in an image built
# FROM eclipse-temurin:21-jre (deploy/s3mock/Dockerfile). MinIO's `artifacts` profile is not started.
#
#   deploy/compose-test.sh                 run it (6-8 minutes on 2 cores, images cached or not)
#   KEEP_LOGS_DIR=DIR deploy/compose-test.sh   where the container logs go on failure
#                                              (default: target/compose-test-logs)
#
# The engine: an engine that already answers (`docker info`) is used and left running. Otherwise,
# and when the base images are missing, ../shared/tools/container-images.sh (beside the repository,
# as on this project's CI machines, which reach no image registry) installs Debian's Docker and
# docker-compose, starts dockerd and builds stand-ins for postgres, rabbitmq, haproxy and
# eclipse-temurin; an engine started that way is stopped again on exit, so that it does not stay
# visible to other jobs (Testcontainers would try to use it).
#
# Uses docker-compose v1 (Debian has no Compose v2 plugin) and Debian's /usr/bin/docker, whose
# BuildKit builds the Dockerfile's cache mounts (the 28.x client in /usr/local/bin has no buildx).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tool="${TASKHIVE_CONTAINER_TOOL:-$repo/../shared/tools/container-images.sh}"
logs_dir="${KEEP_LOGS_DIR:-$repo/target/compose-test-logs}"
export PATH="/usr/bin:$PATH"
export DOCKER_BUILDKIT=1 COMPOSE_DOCKER_CLI_BUILD=1

t0=$(date +%s)
t_stage=$t0
stage() { # prints the time of the stage that just ended
  local now; now=$(date +%s)
  printf 'compose-test: %-34s %4ss (total %ss)\n' "$1" "$((now - t_stage))" "$((now - t0))"
  t_stage=$now
}

started_engine=false
work="$(mktemp -d)"
project="taskhive-e2e"
compose() {
  docker-compose -p "$project" --project-directory "$repo" -f "$repo/docker-compose.yml" \
    -f "$repo/deploy/compose-test.s3.yml" --env-file "$work/.env" "$@"
}

cleanup() {
  local rc=$?
  set +e
  if [ -f "$work/.env" ] && docker info >/dev/null 2>&1; then
    if [ "$rc" -ne 0 ]; then
      rm -rf "$logs_dir"; mkdir -p "$logs_dir"
      compose ps >"$logs_dir/ps.txt" 2>&1
      for c in $(compose ps -q 2>/dev/null); do
        name=$(docker inspect -f '{{.Name}}' "$c" | tr -d /)
        docker logs --timestamps "$c" >"$logs_dir/$name.log" 2>&1
      done
      echo "compose-test: FAILED (exit $rc); container logs kept in $logs_dir"
    fi
    compose down -v --remove-orphans -t 10 >/dev/null 2>&1 || echo "compose-test: down -v failed"
    stage "down -v"
  fi
  if $started_engine; then
    "$tool" stop || echo "compose-test: could not stop the engine it started"
  fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- the engine and the base images ----
base_images=(postgres:17-alpine rabbitmq:4-management-alpine haproxy:2.6-alpine eclipse-temurin:25-jdk eclipse-temurin:25-jre-alpine
  eclipse-temurin:21-jre)
# The stand-in tool builds its JDK and JREs from this machine's Temurin 25 as local/temurin:25-*, but
# tags them with Java 21's upstream names only: the 25 names the Dockerfile uses are given here.
tag_stand_in_jdks() {
  local upstream local_name
  for pair in eclipse-temurin:25-jdk=local/temurin:25-jdk eclipse-temurin:25-jre-alpine=local/temurin:25-jre-alpinelike; do
    upstream=${pair%%=*} local_name=${pair#*=}
    if ! docker image inspect "$upstream" >/dev/null 2>&1 && docker image inspect "$local_name" >/dev/null 2>&1; then
      docker tag "$local_name" "$upstream"
    fi
  done
}
images_missing() {
  for i in "${base_images[@]}"; do docker image inspect "$i" >/dev/null 2>&1 || return 0; done
  return 1
}
engine_was_up=false
docker info >/dev/null 2>&1 && { engine_was_up=true; tag_stand_in_jdks; }
if ! $engine_was_up || images_missing; then
  if [ -f "$tool" ]; then
    echo "compose-test: engine or base images missing: $tool"
    bash "$tool" >"$work/container-images.log" 2>&1 || { cat "$work/container-images.log"; exit 1; }
    if ! $engine_was_up; then started_engine=true; fi
    tag_stand_in_jdks
  elif ! $engine_was_up; then
    echo "compose-test: no Docker engine answers and $tool does not exist" >&2; exit 1
  fi
  # Otherwise a registry is expected to be reachable: the build and `up` pull what is missing.
fi
docker info >/dev/null
echo "compose-test: Docker engine $(docker version -f '{{.Server.Version}}'), docker-compose $(docker-compose version --short)"
stage "engine and base images"

# ---- S3Mock's executable jar, the S3 service of deploy/compose-test.s3.yml ----
# The release the Java tests use (s3mock-junit5), through the Maven Wrapper like every other artifact
# of the build; -N: the root project only (the modules would each copy it again).
s3mock_version=$(sed -n 's:.*<s3mock.version>\(.*\)</s3mock.version>.*:\1:p' "$repo/pom.xml" | head -n 1)
[ -n "$s3mock_version" ] || { echo "compose-test: no <s3mock.version> in $repo/pom.xml" >&2; exit 1; }
mkdir -p "$work/s3mock"
cp "$repo/deploy/s3mock/Dockerfile" "$work/s3mock/"
(cd "$repo" && JAVA_HOME="$("$repo/bin/jdk-home")" ./mvnw -B -q -ntp -N dependency:copy \
  -Dartifact="com.adobe.testing:s3mock:$s3mock_version:jar:exec" -DoutputDirectory="$work/s3mock") \
  >"$work/s3mock.log" 2>&1 || { cat "$work/s3mock.log"; exit 1; }
[ -f "$work/s3mock/s3mock-$s3mock_version-exec.jar" ] || { echo "compose-test: no S3Mock jar" >&2; exit 1; }
stage "S3Mock $s3mock_version jar (Maven Central)"

# ---- a throw-away .env: random secrets, free host ports, small limits for a 2-core machine ----
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
secret() { head -c "$1" /dev/urandom | base64 | tr -d '/+=\n'; }
{
  echo "TASKHIVE_VERSION=e2e"
  echo "TASKHIVE_JWT_SECRET=$(secret 48)"
  echo "TASKHIVE_ADMIN_USERNAME=admin"
  echo "TASKHIVE_ADMIN_PASSWORD=$(secret 18)"
  echo "POSTGRES_DB=taskhive"
  echo "POSTGRES_USER=taskhive"
  echo "POSTGRES_PASSWORD=$(secret 24)"
  echo "POSTGRES_MAX_CONNECTIONS=200"
  echo "RABBITMQ_USER=taskhive"
  echo "RABBITMQ_PASSWORD=$(secret 24)"
  echo "GATEWAY_REPLICAS=2"
  echo "WORKER_REPLICAS=2"
  # Each worker holds at most 20 tasks, so a burst is shared by every replica (with the default
  # 2,000 the first worker could take a whole burst).
  echo "TASKHIVE_WORKER_MAX_IN_FLIGHT=20"
  echo "TASKHIVE_DB_POOL_SIZE=5"
  echo "TASKHIVE_MESSAGING_NAMESPACE=taskhive"
  echo "TASKHIVE_MESSAGING_QUEUE_TYPE=quorum"
  # The shipped limits. At 512m the heap (70 %), metaspace and threads left too little of the limit
  # for the page cache holding the class archive and the jars, and the kernel evicted them again and
  # again: every container started twice as slowly.
  echo "GATEWAY_MEMORY_LIMIT=1g"
  echo "WORKER_MEMORY_LIMIT=1g"
  echo "PUBLISHED_HTTP_PORT=$(free_port)"
  echo "PUBLISHED_TCP_PORT=$(free_port)"
  echo "HAPROXY_STATS_PORT=$(free_port)"
  echo "RABBITMQ_MANAGEMENT_PORT=$(free_port)"
  # JSON logs, as an operator would run them; the scenarios check the services' lines are ECS JSON.
  echo "TASKHIVE_LOG_FORMAT=ecs"
  echo "TASKHIVE_TRACE_SAMPLING=0.1"
  # The shipped retention: nothing the test makes is old enough to be purged.
  echo "TASKHIVE_RETENTION_ENABLED=true"
  echo "TASKHIVE_RETENTION_SUCCEEDED=7d"
  echo "TASKHIVE_RETENTION_CANCELLED=7d"
  echo "TASKHIVE_RETENTION_FAILED=30d"
  echo "TASKHIVE_RETENTION_DEAD=30d"
  echo "TASKHIVE_RETENTION_BATCH_SIZE=1000"
  echo "TASKHIVE_RETENTION_INTERVAL=1m"
  # Artifact storage: S3Mock of deploy/compose-test.s3.yml (no MinIO image nor stand-in can be had
  # on CI machines, so the artifacts profile is not started), with the shipped threshold: the
  # scenarios' large report goes there, the other results stay in their rows.
  echo "TASKHIVE_ARTIFACTS_ENDPOINT=http://s3mock:9090"
  echo "TASKHIVE_ARTIFACTS_BUCKET=taskhive-artifacts"
  echo "TASKHIVE_ARTIFACTS_THRESHOLD=64KB"
  # The services sign with these; S3Mock accepts any credentials.
  echo "MINIO_ROOT_USER=taskhive"
  echo "MINIO_ROOT_PASSWORD=$(secret 18)"
  # deploy/compose-test.s3.yml: the S3Mock release and the build context holding its jar (below).
  echo "S3MOCK_VERSION=$s3mock_version"
  echo "S3MOCK_CONTEXT=$work/s3mock"
  # The observability profile is not started here (its images cannot be pulled on CI machines).
  echo "PROMETHEUS_PORT=$(free_port)"
  echo "PROMETHEUS_RETENTION=1d"
  echo "GRAFANA_PORT=$(free_port)"
  echo "GRAFANA_ADMIN_USER=admin"
  echo "GRAFANA_ADMIN_PASSWORD=$(secret 18)"
} >"$work/.env"
# Every variable docker-compose.yml reads must be set here, as .env.example sets them all.
missing=$(comm -23 <(sed -n 's/^\([A-Z0-9_]*\)=.*/\1/p' "$repo/.env.example" | sort) <(sed -n 's/^\([A-Z0-9_]*\)=.*/\1/p' "$work/.env" | sort))
[ -z "$missing" ] || { echo "compose-test: the test .env lacks: $missing" >&2; exit 1; }

# A project left over by an interrupted run would hold the names and volumes.
compose down -v --remove-orphans -t 5 >/dev/null 2>&1 || true

# ---- images: the Dockerfile users build, once for both services (the second build is cached), and
# S3Mock's ----
compose build >"$work/build.log" 2>&1 || { tail -n 60 "$work/build.log"; exit 1; }
docker images --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E "^taskhive/.*:e2e |^taskhive-e2e/s3mock:" \
  | sed 's/^/compose-test: image /'
stage "build images (Dockerfile)"

# ---- the scenarios ----
set -a; . "$work/.env"; set +a
COMPOSE_PROJECT="$project" COMPOSE_ENV_FILE="$work/.env" REPO="$repo" \
  python3 "$repo/deploy/compose_e2e.py"
stage "scenarios"
