#!/usr/bin/env bash
# Static validation of taskhive's deployment files, without Docker or a cluster:
#   1. docker-compose.yml through Debian's docker-compose 1.29 (`config -q` with .env.example), and
#      with deploy/compose-test.s3.yml, the compose test's override (S3Mock as the S3 service), on top,
#   2. deploy/haproxy/haproxy.cfg through `haproxy -c` (Compose defaults, then two fixed gateways on
#      local ports),
#   3. the Dockerfile linted, the Kustomize base and overlays rendered (kubectl kustomize) and every
#      object validated against the Kubernetes schemas, and the project's invariants
#      (deploy/validate/validate.js), among them the Grafana dashboard's JSON model and the metrics
#      its queries and the alert rules name,
#   4. deploy/observability's Prometheus configuration and alert rules through `promtool check`
#      (the rules also as the PrometheusRule of k8s/components/monitoring).
# Installs docker-compose, haproxy and prometheus (promtool) with apt-get and the Node tooling with `npm ci` when missing;
# kubectl must be installed.
#
#   deploy/validate.sh                 validate this repository
#   deploy/validate.sh --root DIR      validate a copy (same layout) instead
#   deploy/validate.sh --self-test     also prove that broken copies fail (about two minutes more on two cores)
#
# Prints one line per check and ends with "N passed, N failed"; exits non-zero on any failure.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
root="$repo"
self_test=false
while [ $# -gt 0 ]; do
  case "$1" in
    --root) root="$(cd "$2" && pwd)"; shift 2 ;;
    --self-test) self_test=true; shift ;;
    *) echo "usage: $0 [--root DIR] [--self-test]" >&2; exit 2 ;;
  esac
done

apt_install() {
  # apt-get update only when the package is unknown to the local lists.
  if ! apt-cache show "$1" >/dev/null 2>&1; then
    apt-get update -qq
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null
}

need_tool() { # command package
  if ! command -v "$1" >/dev/null 2>&1; then
    echo "installing $2 (apt-get)"
    apt_install "$2"
  fi
}

need_tool docker-compose docker-compose
need_tool haproxy haproxy
need_tool promtool prometheus
command -v node >/dev/null 2>&1 || { echo "node is required (Debian package nodejs)" >&2; exit 1; }
command -v kubectl >/dev/null 2>&1 || { echo "kubectl is required: it renders k8s/ (kubectl kustomize)" >&2; exit 1; }

# Node tooling: npm ci only when package-lock.json changed since the last install.
stamp="$here/validate/node_modules/.taskhive-lock"
if ! cmp -s "$here/validate/package-lock.json" "$stamp" 2>/dev/null; then
  echo "installing the Node tooling (npm ci in deploy/validate)"
  (cd "$here/validate" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  cp "$here/validate/package-lock.json" "$stamp"
fi

# What the services' properties records declare (names, defaults) comes from the configuration
# metadata that compiling them generates; compile the repository's modules when it is missing or
# older than their sources (a no-op for Maven when nothing changed). A copy (--root) brings its own.
metadata_stale() {
  local module file
  for module in task-domain worker-service gateway-service; do
    file="$root/$module/target/classes/META-INF/spring-configuration-metadata.json"
    [ -f "$file" ] || return 0
    [ -z "$(find "$root/$module/src/main" -newer "$file" -type f -print -quit)" ] || return 0
  done
  return 1
}
if [ "$root" = "$repo" ] && metadata_stale; then
  echo "compiling the services for their configuration metadata (./mvnw compile)"
  JAVA_HOME="$("$repo/bin/jdk-home")" "$repo/mvnw" -q -B -ntp -f "$repo/pom.xml" \
    -pl gateway-service,worker-service -am compile
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

status=0
sh_passed=0
sh_failed=0
ok() { echo "  ok    $*"; sh_passed=$((sh_passed + 1)); }
fail() { echo "  FAIL  $*"; sh_failed=$((sh_failed + 1)); status=1; }

# ---- 1. Compose ----------------------------------------------------------------------------------
echo "== docker-compose $(docker-compose version --short 2>/dev/null || echo '?'): docker-compose.yml with .env.example"
# A clean environment: only .env.example may feed the interpolation.
compose() {
  env -i PATH="$PATH" HOME="${HOME:-/root}" docker-compose --project-directory "$root" \
    -f "$root/docker-compose.yml" --env-file "$root/.env.example" "$@"
}
if compose config -q 2>"$work/compose.err" && compose config >"$work/compose.yml" 2>>"$work/compose.err"; then
  if grep -qi 'warn' "$work/compose.err"; then
    fail "[compose] docker-compose config printed warnings:"; sed 's/^/          /' "$work/compose.err"
  else
    ok "[compose] docker-compose config -q (schema, interpolation, depends_on, volumes)"
  fi
else
  fail "[compose] docker-compose config -q:"; sed 's/^/          /' "$work/compose.err"
  : >"$work/compose.yml"
fi
if docker compose version >/dev/null 2>&1; then
  if env -i PATH="$PATH" HOME="${HOME:-/root}" docker compose --project-directory "$root" -f "$root/docker-compose.yml" \
       --env-file "$root/.env.example" config -q 2>"$work/compose2.err"; then
    ok "[compose] docker compose (v2) config -q"
  else
    fail "[compose] docker compose (v2) config -q:"; sed 's/^/          /' "$work/compose2.err"
  fi
else
  echo "  note  [compose] Compose v2 plugin not installed: checked with docker-compose 1.29 only"
fi

# The compose test's override (deploy/compose-test.s3.yml, S3Mock as the S3 service): valid on top of
# docker-compose.yml, and it only adds that service and the others' wait for it, so what the test runs
# is what users run. Its two variables come from the test's .env: a stand-in version, and the
# Dockerfile's directory as the build context (the test's also holds the jar).
echo "== docker-compose: docker-compose.yml + deploy/compose-test.s3.yml (the compose test's S3 service)"
s3mock_version="$(sed -n 's:.*<s3mock.version>\(.*\)</s3mock.version>.*:\1:p' "$repo/pom.xml" | head -n 1)"
compose_test() {
  env -i PATH="$PATH" HOME="${HOME:-/root}" S3MOCK_VERSION="${s3mock_version:-0}" S3MOCK_CONTEXT="$root/deploy/s3mock" \
    docker-compose --project-directory "$root" -f "$root/docker-compose.yml" -f "$root/deploy/compose-test.s3.yml" \
    --env-file "$root/.env.example" "$@"
}
if compose_test config >"$work/compose-test.yml" 2>"$work/compose-test.err"; then
  if grep -qi 'warn' "$work/compose-test.err"; then
    fail "[compose-test] docker-compose config printed warnings:"; sed 's/^/          /' "$work/compose-test.err"
  else
    ok "[compose-test] docker-compose config with the override (schema, interpolation, merge)"
  fi
  if [ -s "$work/compose.yml" ] && node -e '
    const YAML = require(process.argv[1]);
    const fs = require("fs");
    const base = YAML.parse(fs.readFileSync(process.argv[2], "utf8"));
    const merged = YAML.parse(fs.readFileSync(process.argv[3], "utf8"));
    const problems = [];
    const s3 = merged.services.s3mock;
    if (!s3) problems.push("no s3mock service");
    else {
      if (!s3.build || !s3.build.context) problems.push("s3mock is not built (deploy/s3mock/Dockerfile)");
      if (!s3.healthcheck || !s3.healthcheck.test) problems.push("s3mock has no healthcheck");
      if (!(s3.expose || []).map(String).includes("9090")) problems.push("s3mock does not expose 9090, the port of TASKHIVE_ARTIFACTS_ENDPOINT");
      if (s3.ports) problems.push("s3mock publishes ports: the gateway streams the files");
    }
    for (const name of ["gateway", "worker"]) {
      const dep = ((merged.services[name] || {}).depends_on || {}).s3mock;
      if (!dep || dep.condition !== "service_healthy") problems.push(`${name} must wait for s3mock to be healthy (depends_on condition service_healthy)`);
      if (merged.services[name]) delete merged.services[name].depends_on.s3mock;
    }
    delete merged.services.s3mock;
    // Merging reorders lists (ports, expose, volumes), so lists are compared as sets.
    const canon = (v) => Array.isArray(v) ? v.map(canon).map((x) => JSON.stringify(x)).sort()
      : v && typeof v === "object" ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canon(v[k])])) : v;
    for (const [name, service] of Object.entries(merged.services)) {
      if (JSON.stringify(canon(service)) !== JSON.stringify(canon(base.services[name]))) problems.push(`the override changes more than the s3mock service and the waits for it: service ${name} differs from docker-compose.yml`);
    }
    if (problems.length) { console.error(problems.join("\n")); process.exit(1); }
  ' "$here/validate/node_modules/yaml" "$work/compose.yml" "$work/compose-test.yml" 2>"$work/compose-test.err"; then
    ok "[compose-test] the override adds S3Mock (built, health-checked, 9090 not published), gateway and worker wait for it, nothing else changes"
  else
    fail "[compose-test] the override:"; sed 's/^/          /' "$work/compose-test.err"
  fi
else
  fail "[compose-test] docker-compose config with the override:"; sed 's/^/          /' "$work/compose-test.err"
fi

# ---- 2. HAProxy ----------------------------------------------------------------------------------
echo "== $(haproxy -v | head -n 1 | cut -d' ' -f1-3): deploy/haproxy/haproxy.cfg"
haproxy_check() { # label, then VAR=value ...
  local label="$1"; shift
  if env -i PATH="$PATH" "$@" haproxy -c -f "$root/deploy/haproxy/haproxy.cfg" >"$work/haproxy.out" 2>&1; then
    # Warnings fail too.
    if grep -q '\[WARNING\]' "$work/haproxy.out"; then
      fail "[haproxy] haproxy -c ($label) warns:"; grep '\[WARNING\]' "$work/haproxy.out" | sed 's/^/          /'
    else
      ok "[haproxy] haproxy -c ($label)"
    fi
  else
    fail "[haproxy] haproxy -c ($label):"; sed 's/^/          /' "$work/haproxy.out"
  fi
}
haproxy_check "Compose defaults: the gateway service's replicas through DNS"
haproxy_check "two fixed gateways: 127.0.0.1:18081/15001/18091 and :18082/15002/18092" \
  HAPROXY_HTTP_BIND=127.0.0.1:18080 HAPROXY_TCP_BIND=127.0.0.1:15000 HAPROXY_STATS_BIND=127.0.0.1:18404 \
  GATEWAY1_HOST=127.0.0.1 GATEWAY1_HTTP_PORT=18081 GATEWAY1_TCP_PORT=15001 GATEWAY1_MANAGEMENT_PORT=18091 \
  GATEWAY2_HOST=127.0.0.1 GATEWAY2_HTTP_PORT=18082 GATEWAY2_TCP_PORT=15002 GATEWAY2_MANAGEMENT_PORT=18092

# ---- 3. Dockerfiles, Kubernetes, invariants ------------------------------------------------------
echo "== Dockerfile, Kubernetes manifests and project invariants (deploy/validate/validate.js)"
compose_arg=()
[ -s "$work/compose.yml" ] && compose_arg=(--compose-config "$work/compose.yml")
node_rc=0
node "$here/validate/validate.js" --root "$root" "${compose_arg[@]}" >"$work/node.out" 2>&1 || node_rc=$?
grep -v '^[0-9]* passed, [0-9]* failed$' "$work/node.out" || true
node_summary="$(tail -n 1 "$work/node.out")"
if [[ "$node_summary" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
  node_passed="${BASH_REMATCH[1]}"; node_failed="${BASH_REMATCH[2]}"
else
  node_passed=0; node_failed=1
  fail "[node] validate.js ended without its summary (exit $node_rc)"
fi
if [ "$node_rc" -ne 0 ] || [ "$node_failed" -ne 0 ]; then status=1; fi

# ---- 4. Prometheus: configuration and alert rules -----------------------------------------------
echo "== $(promtool --version 2>&1 | head -n 1 | cut -d' ' -f1-3): deploy/observability"
promtool_check() { # label, then promtool arguments
  local label="$1"; shift
  if (cd "$root/deploy/observability" && promtool "$@") >"$work/promtool.out" 2>&1; then
    ok "[prometheus] $label"
  else
    fail "[prometheus] $label:"; sed 's/^/          /' "$work/promtool.out"
  fi
}
promtool_check "promtool check config prometheus.yml (scrape jobs, rule files)" check config prometheus.yml
promtool_check "promtool check rules alerts.yml" check rules alerts.yml
# The PrometheusRule's spec is a rule file: its groups, checked the same way.
if node -e '
  const YAML = require(process.argv[1]);
  const fs = require("fs");
  const doc = YAML.parseAllDocuments(fs.readFileSync(process.argv[2], "utf8")).map((d) => d.toJS()).find((o) => o && o.kind === "PrometheusRule");
  if (!doc) { console.error("no PrometheusRule in " + process.argv[2]); process.exit(1); }
  fs.writeFileSync(process.argv[3], YAML.stringify({ groups: doc.spec.groups }));
' "$here/validate/node_modules/yaml" "$root/k8s/components/monitoring/prometheus-rule.yaml" "$work/prometheus-rule-groups.yml" 2>"$work/promrule.err"; then
  promtool_check "promtool check rules: the PrometheusRule of k8s/components/monitoring" check rules "$work/prometheus-rule-groups.yml"
else
  fail "[prometheus] the PrometheusRule of k8s/components/monitoring:"; sed 's/^/          /' "$work/promrule.err"
fi

# ---- self-test: broken copies must fail ----------------------------------------------------------
if $self_test; then
  echo "== self-test: each broken copy must fail"
  # Each broken copy is validated in full (about 4 s), so they run side by side, one per core; their
  # results are printed afterwards, in the order they are declared here.
  make_copy() { # directory
    rm -rf "$1"; mkdir -p "$1"
    (cd "$root" && tar --exclude='*/target' --exclude='node_modules' --exclude='.git' -cf - \
      docker-compose.yml .env.example .dockerignore .gitignore Dockerfile deploy/haproxy deploy/observability k8s \
      deploy/compose-test.s3.yml deploy/s3mock \
      gateway-service/pom.xml gateway-service/src/main \
      worker-service/pom.xml worker-service/src/main task-domain/src/main) | (cd "$1" && tar -xf -)
    (cd "$root" && tar -cf - {task-domain,worker-service,gateway-service}/target/classes/META-INF/spring-configuration-metadata.json) \
      | (cd "$1" && tar -xf -)
  }
  tree_hash() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 md5sum | md5sum); }
  # Writes its verdict to $dir/verdict: "ok" or "fail", then the line to print, then any details.
  check_broken_copy() { # directory, description, text expected in the output, bash snippet run in the copy
    local dir="$1" copy="$1/copy" before
    make_copy "$copy"
    before="$(tree_hash "$copy")"
    (cd "$copy" && eval "$4")
    if [ "$before" = "$(tree_hash "$copy")" ]; then
      printf 'fail\n[self-test] %s: the mutation changed nothing\n' "$2"
    elif "$here/validate.sh" --root "$copy" >"$dir/out" 2>&1; then
      printf 'fail\n[self-test] %s: validation passed on a broken copy\n' "$2"
    elif ! grep -qF -- "$3" "$dir/out"; then
      printf 'fail\n[self-test] %s: failed, but without "%s"\n' "$2" "$3"; grep -E 'FAIL|^ +(- |\[ALERT\])' "$dir/out" | head -n 8
    else
      printf 'ok\n[self-test] %s -> %s\n' "$2" "$(grep -F -m1 -- "$3" "$dir/out" | sed 's/^ *//' | cut -c1-140)"
    fi >"$dir/verdict"
    rm -rf "$copy"
  }
  parallel="$(nproc 2>/dev/null || echo 2)"
  copies=0
  expect_failure() { # description, text expected in the output, bash snippet run in the copy
    copies=$((copies + 1))
    mkdir -p "$work/self/$copies"
    check_broken_copy "$work/self/$copies" "$@" &
    while [ "$(jobs -rp | wc -l)" -ge "$parallel" ]; do wait -n || true; done
  }
  expect_failure "the compose test's workers not waiting for its S3 service" 'worker must wait for s3mock to be healthy' \
    "sed -i '/^  worker:/,\$ s/condition: service_healthy/condition: service_started/' deploy/compose-test.s3.yml"
  expect_failure "the compose test's override changing a service beyond S3" 'service worker differs from docker-compose.yml' \
    "printf '    environment:\n      TASKHIVE_ARTIFACTS_THRESHOLD: 1KB\n' >>deploy/compose-test.s3.yml"
  expect_failure "misspelt field in the worker Deployment" 'unknown field "readinesProbe"' \
    "sed -i 's/readinessProbe:/readinesProbe:/' k8s/base/worker/deployment.yaml"
  expect_failure "wrong type in the gateway Deployment" '/spec/replicas must be integer' \
    "sed -i 's/replicas: 2/replicas: two/' k8s/base/gateway/deployment.yaml"
  expect_failure "required field missing from the KEDA ScaledObject" 'must have required property scaleTargetRef' \
    "sed -i '/^  scaleTargetRef:/,/^    name: worker/d' k8s/components/keda/scaled-object.yaml"
  expect_failure "KEDA watching the wrong queue" 'the work queue is taskhive.tasks' \
    "sed -i 's/queueName: taskhive.tasks/queueName: tasks/' k8s/components/keda/scaled-object.yaml"
  expect_failure "probe on a path the services do not serve" 'readinessProbe path /health/ready' \
    "sed -i '0,/path: \/actuator\/health\/readiness/s//path: \/health\/ready/' k8s/base/gateway/deployment.yaml"
  expect_failure "environment variable no service reads" 'TASKHIVE_RABBIT_HOST is not read by the' \
    "sed -i 's/TASKHIVE_RABBITMQ_HOST:/TASKHIVE_RABBIT_HOST:/' k8s/base/configmap.yaml"
  expect_failure "gateway-only secret handed to the worker" 'only the gateway reads it' \
    "sed -i 's/^      TASKHIVE_WORKER_HTTP_PORT: \"8081\"/&\\n      TASKHIVE_JWT_SECRET: x/' docker-compose.yml"
  expect_failure "TCP port not exposed by the gateway image" 'EXPOSE lacks 5000' \
    "sed -i 's/^EXPOSE 8080 5000/EXPOSE 8080/' Dockerfile"
  expect_failure "unknown Compose key" 'stop_grace_periods' \
    "sed -i 's/stop_grace_period: 60s/stop_grace_periods: 60s/' docker-compose.yml"
  expect_failure "worker given a host port (no --scale)" 'host ports prevent --scale' \
    "sed -i 's/^    stop_grace_period: 75s\$/&\\n    ports: [\"8081:8081\"]/' docker-compose.yml"
  expect_failure "HAProxy syntax error" 'balance only supports' \
    "sed -i 's/balance roundrobin/balance roundrobbin/' deploy/haproxy/haproxy.cfg"
  expect_failure "HAProxy without the TCP frontend" 'no tcp frontend binding :5000' \
    "sed -i 's/^    mode tcp\$/    mode http/' deploy/haproxy/haproxy.cfg"
  expect_failure "an image not named after its module" 'does not run taskhive/worker-service' \
    "sed -i 's/^  - name: taskhive\/worker-service\$/&\\n    newName: taskhive\/worker/' k8s/base/kustomization.yaml"
  expect_failure "both autoscalers on the worker" 'would fight over its replicas' \
    "{ echo '---'; cat k8s/components/hpa/hpa.yaml; } >>k8s/components/keda/scaled-object.yaml"
  expect_failure "grace period shorter than the graceful shutdown" 'terminationGracePeriodSeconds 20 must exceed' \
    "sed -i 's/terminationGracePeriodSeconds: 75/terminationGracePeriodSeconds: 20/' k8s/base/worker/deployment.yaml"
  expect_failure "gateway grace period without room for the TCP drain" 'terminationGracePeriodSeconds 45 must exceed preStop 5s + TCP drain 10s' \
    "sed -i 's/terminationGracePeriodSeconds: 60/terminationGracePeriodSeconds: 45/' k8s/base/gateway/deployment.yaml"
  expect_failure "worker stop_grace_period without room for its shutdown grace" 'stop_grace_period 60s must exceed shutdown grace 25s' \
    "sed -i 's/^    stop_grace_period: 75s\$/    stop_grace_period: 60s/' docker-compose.yml"
  expect_failure "worker shutdown grace without a unit (milliseconds)" 'which Spring reads as milliseconds' \
    "sed -i 's/^              value: 25s\$/              value: \"25\"/' k8s/base/worker/deployment.yaml"
  expect_failure "worker grace period resting on the code's default shutdown grace" 'set TASKHIVE_WORKER_SHUTDOWN_GRACE explicitly' \
    "sed -i '/^      TASKHIVE_WORKER_SHUTDOWN_GRACE: /d' docker-compose.yml"
  expect_failure "S3 settings handed to the services before any code reads them" 'TASKHIVE_S3_ENDPOINT is not read by the' \
    "sed -i 's/^  TASKHIVE_RABBITMQ_VHOST: \/\$/&\\n  TASKHIVE_S3_ENDPOINT: http:\/\/minio:9000/' docker-compose.yml"
  expect_failure "HAProxy TCP health check without the ping" 'does not send {"action":"ping"}' \
    "sed -i '/tcp-check send \"{/d' deploy/haproxy/haproxy.cfg"
  expect_failure "HAProxy TCP server tracking the other gateway's health" 'which checks another address' \
    "sed -i 's|track gateway1_health/gw1|track gateway2_health/gw2|' deploy/haproxy/haproxy.cfg"
  expect_failure "KEDA target below the worker's max-in-flight" "must equal the worker's TASKHIVE_WORKER_MAX_IN_FLIGHT 2000" \
    "sed -i 's/value: \"2000\"/value: \"1000\"/' k8s/components/keda/scaled-object.yaml"
  expect_failure "Compose HAProxy other than the validating 2.6" 'but haproxy.cfg is validated with HAProxy' \
    "sed -i 's/image: haproxy:2.6-alpine/image: haproxy:2.8-alpine/' docker-compose.yml"
  expect_failure "an unpinned image" 'postgres:latest is not pinned to a release' \
    "sed -i 's|image: postgres:17-alpine|image: postgres:latest|' k8s/components/dev-infra/postgres/statefulset.yaml"
  expect_failure "a syntax directive in the Dockerfile (BuildKit would fetch a frontend)" 'fetches a BuildKit frontend from a registry' \
    "sed -i '1i # syntax=docker/dockerfile:1' Dockerfile"
  expect_failure "Maven's repository not in a cache mount" 'is not a BuildKit cache mount' \
    "sed -i 's|RUN --mount=type=cache,target=/root/.m2 |RUN |' Dockerfile"
  expect_failure "the worker image given the gateway's application layer" "does not copy worker-service's application layer" \
    "sed -i 's|/layers/worker-service/application/|/layers/gateway-service/application/|' Dockerfile"
  expect_failure "the services started without their AOT cache" 'does not start from an AOT cache' \
    "sed -i 's|\"-XX:AOTCache=/app/application.aot\", ||' Dockerfile"
  expect_failure "an AOT cache that no stage trains" 'no RUN in the worker stage trains /app/application.aot' \
    "sed -i 's|-XX:AOTCacheOutput=/app/application.aot|-XX:AOTCacheOutput=/tmp/application.aot|' Dockerfile"
  expect_failure "Compose building the worker from the gateway stage" 'build.target is gateway' \
    "sed -i 's/^      target: worker\$/      target: gateway/' docker-compose.yml"
  expect_failure "fewer HAProxy slots than gateway replicas" 'server slots, fewer than the 3 gateway replicas' \
    "sed -i 's/server-template gw 10 /server-template gw 2 /' deploy/haproxy/haproxy.cfg"
  expect_failure "HAProxy slots resolved once at start instead of waiting for DNS" 'needs init-addr none' \
    "sed -i 's/ init-addr none resolve-prefer ipv4/ resolve-prefer ipv4/' deploy/haproxy/haproxy.cfg"
  expect_failure "gateway shutdown delay eating the stop grace period" 'must exceed shutdown delay 30s' \
    "sed -i 's/TASKHIVE_GATEWAY_SHUTDOWN_DELAY: 6s/TASKHIVE_GATEWAY_SHUTDOWN_DELAY: 30s/' docker-compose.yml"
  expect_failure "workers opened to every source" 'the worker accepts connections' \
    "sed -i 's/^  ingress: \\[\\]\$/  ingress:\\n    - {}/' k8s/base/network-policies.yaml"
  expect_failure "a NetworkPolicy naming a port the pod does not have" 'port amqps is no container port' \
    "sed -i 's/- port: amqp\$/- port: amqps/' k8s/components/dev-infra/network-policies.yaml"
  expect_failure "the Ingress without TLS" 'serves taskhive.local without TLS' \
    "sed -i '/^  tls:/,/secretName: taskhive-tls/d' k8s/base/gateway/ingress.yaml"
  expect_failure "gateway probes on the API port" "readinessProbe port http is not the actuator's port 8090" \
    "sed -i 's/^              port: management\$/              port: http/' k8s/base/gateway/deployment.yaml"
  expect_failure "a Service routing the gateway's management port" "routes the gateway's actuator port" \
    "sed -i 's/^      targetPort: http\$/      targetPort: management/' k8s/base/gateway/service.yaml"
  expect_failure "HAProxy checking readiness on the API port" "the gateway's readiness is on its management port 8090" \
    "sed -i 's/ check port \"\${GATEWAY_MANAGEMENT_PORT-8090}\"/ check/' deploy/haproxy/haproxy.cfg"
  expect_failure "a default read from a properties record" 'cannot find the value or default of taskhive.worker.hand-back-timeout' \
    "sed -i 's/\"name\": \"taskhive.worker.hand-back-timeout\"/\"name\": \"taskhive.worker.hand-back\"/' worker-service/target/classes/META-INF/spring-configuration-metadata.json"
  expect_failure "the actuator public through HAProxy" 'routes /actuator (health, Prometheus metrics)' \
    "sed -i '/http-request deny deny_status 404/d' deploy/haproxy/haproxy.cfg"
  expect_failure "a usable secret in .env.example" 'POSTGRES_PASSWORD must be a change-me placeholder' \
    "sed -i 's/^POSTGRES_PASSWORD=change-me/POSTGRES_PASSWORD=hunter2/' .env.example"
  expect_failure "an example admin password the gateway would accept" 'TASKHIVE_ADMIN_PASSWORD must start with change-me' \
    "sed -i 's/^  TASKHIVE_ADMIN_PASSWORD: change-me/  TASKHIVE_ADMIN_PASSWORD: please-change-me/' k8s/secret.example.yaml"
  expect_failure "an alert rule that Prometheus cannot parse" 'could not parse expression' \
    "sed -i 's/expr: max(taskhive_outbox_oldest_age_seconds) > 300/expr: max(taskhive_outbox_oldest_age_seconds > 300/' deploy/observability/alerts.yml"
  expect_failure "a dashboard query of a metric no service exports" 'taskhive_outbox_backlogg is not a metric the services export' \
    "sed -i 's/max(taskhive_outbox_backlog)\"/max(taskhive_outbox_backlogg)\"/' deploy/observability/grafana/dashboards/taskhive.json"
  expect_failure "an alert on a meter the services no longer register" 'taskhive_workers_live is not a metric the services export' \
    "sed -i 's/\"taskhive.workers.live\"/\"taskhive.workers.alive\"/' gateway-service/src/main/java/io/taskhive/gateway/admin/FleetMeters.java"
  expect_failure "two dashboard panels on the same cells" 'overlaps panel' \
    "sed -i '0,/\"x\": 4,/s//\"x\": 2,/' deploy/observability/grafana/dashboards/taskhive.json"
  expect_failure "the PrometheusRule out of step with alerts.yml" 'differ from deploy/observability/alerts.yml' \
    "sed -i 's/> 300/> 600/' k8s/components/monitoring/prometheus-rule.yaml"
  expect_failure "a PodMonitor on a port the worker does not have" 'port metrics is no port of the worker' \
    "sed -i 's/    - port: http\$/    - port: metrics/' k8s/components/monitoring/pod-monitors.yaml"
  expect_failure "Prometheus scraping the gateway's API port" 'must find every gateway replica through DNS on port 8090' \
    "sed -i '0,/port: 8090/s//port: 8080/' deploy/observability/prometheus.yml"
  wait
  for i in $(seq 1 "$copies"); do
    verdict="$work/self/$i/verdict"
    if [ ! -s "$verdict" ]; then
      fail "[self-test] broken copy $i left no verdict"
    elif [ "$(head -n 1 "$verdict")" = ok ]; then
      ok "$(sed -n 2p "$verdict")"
    else
      fail "$(sed -n 2p "$verdict")"; tail -n +3 "$verdict"
    fi
  done
fi

# ---- summary --------------------------------------------------------------------------------------
echo "deploy validation: $([ "$status" -eq 0 ] && echo PASSED || echo FAILED)"
echo "$((sh_passed + node_passed)) passed, $((sh_failed + node_failed)) failed"
exit "$status"
