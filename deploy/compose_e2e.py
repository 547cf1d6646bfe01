#!/usr/bin/env python3
"""The scenarios of deploy/compose-test.sh (which builds the images, writes the .env, and tears down).

Talks to the system only through HAProxy's published ports, except for three kinds of reading
that the API does not offer to a client: `docker` for the containers' state, psql inside the
postgres container to count, per task, the transitions to SUCCEEDED (a task run twice to a result
would have two), and the artifact store's object listing (wget in a gateway container, on the
Compose network). Exits non-zero, after printing what failed, when any expectation is not met.
Standard library only.
"""
import base64
import concurrent.futures
import hashlib
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import uuid

ENV = os.environ
PROJECT = ENV["COMPOSE_PROJECT"]
REPO = ENV["REPO"]
HTTP_PORT = int(ENV["PUBLISHED_HTTP_PORT"])
TCP_PORT = int(ENV["PUBLISHED_TCP_PORT"])
STATS_PORT = int(ENV["HAPROXY_STATS_PORT"])
# The files compose-test.sh runs: docker-compose.yml and the test's S3 service (S3Mock).
COMPOSE = ["docker-compose", "-p", PROJECT, "--project-directory", REPO,
           "-f", os.path.join(REPO, "docker-compose.yml"), "-f", os.path.join(REPO, "deploy", "compose-test.s3.yml"),
           "--env-file", ENV["COMPOSE_ENV_FILE"]]
FINAL = ("SUCCEEDED", "FAILED", "CANCELLED", "DEAD")

T0 = time.monotonic()
_stage_start = T0
summary = {}
failures = []


def log(msg):
    print(f"compose-e2e [{time.monotonic() - T0:6.1f}s] {msg}", flush=True)


def stage_done(name):
    global _stage_start
    now = time.monotonic()
    print(f"compose-test: {name:<34} {now - _stage_start:4.0f}s", flush=True)
    _stage_start = now


def expect(ok, what):
    if not ok:
        failures.append(what)
        log(f"FAILED: {what}")
    return ok


def run(cmd, check=True, capture=True, input=None, timeout=600):
    p = subprocess.run(cmd, input=input, text=True, timeout=timeout,
                       stdout=subprocess.PIPE if capture else None, stderr=subprocess.STDOUT if capture else None)
    if check and p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {p.returncode}: {(p.stdout or '')[-2000:]}")
    return p.stdout or ""


def compose(*args, **kw):
    return run(COMPOSE + list(args), **kw)


# ---- containers ----------------------------------------------------------------------------------

def containers(service, running_only=True):
    """The service's containers in their numbering order (gateway_1, gateway_2, ...), as `compose ps`
    gives them, found by the labels docker-compose puts on them: docker-compose v1 is a Python program
    that costs about a second of CPU per call, and the waits below poll every second on the two cores
    whose containers' startup is being measured."""
    ids = run(["docker", "ps", "-a", "-q", "--no-trunc", "--filter", f"label=com.docker.compose.project={PROJECT}",
               "--filter", f"label=com.docker.compose.service={service}"]).split()
    found = []
    for cid in ids:
        number, running = run(["docker", "inspect", "-f",
                               '{{index .Config.Labels "com.docker.compose.container-number"}} {{.State.Running}}',
                               cid]).split()
        if not running_only or running == "true":
            found.append((int(number), cid))
    return [cid for _, cid in sorted(found)]


def health(cid):
    return run(["docker", "inspect", "-f", "{{if .State.Health}}{{.State.Health.Status}}{{end}}", cid]).strip()


def wait_healthy(service, count, timeout=180):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        cids = containers(service)
        states = [health(c) for c in cids]
        if len(cids) == count and all(s == "healthy" for s in states):
            return cids
        time.sleep(1)
    raise RuntimeError(f"{service}: wanted {count} healthy containers, have {states}")


def haproxy_up(backend):
    """Servers of an HAProxy backend that are UP (from the stats page's CSV)."""
    conn = http.client.HTTPConnection("127.0.0.1", STATS_PORT, timeout=5)
    conn.request("GET", "/stats;csv")
    rows = conn.getresponse().read().decode().splitlines()
    header = rows[0].lstrip("# ").split(",")
    up = []
    for row in rows[1:]:
        f = dict(zip(header, row.split(",")))
        if f.get("pxname") == backend and f.get("svname") not in ("FRONTEND", "BACKEND") and f.get("status") == "UP":
            up.append(f.get("addr") or f.get("svname"))
    return up


def wait_haproxy(count, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        http_up, tcp_up = haproxy_up("gateways_http"), haproxy_up("gateways_tcp")
        if len(http_up) == count and len(tcp_up) == count:
            return
        time.sleep(0.5)
    raise RuntimeError(f"HAProxy: wanted {count} gateways UP, HTTP {http_up}, TCP {tcp_up}")


def startup_seconds(cid):
    """Spring Boot's own figure: 'Started X in a seconds (process running for b)': b, the JVM's age."""
    logs = run(["docker", "logs", cid])
    found = re.findall(r"Started \w+ in [\d.]+ seconds \(process running for ([\d.]+)\)", logs)
    return float(found[-1]) if found else None  # the last start of a restarted container


def ecs_json_logs(cid):
    """With TASKHIVE_LOG_FORMAT=ecs every log event is one ECS JSON object per line: the start line
    is one, and no line is a plain-text log event. (The banner and the JVM's own notices are not log
    events.) Returns what is wrong, or None."""
    lines = run(["docker", "logs", cid]).splitlines()
    plain = [l for l in lines if re.match(r"^\d{4}-\d\d-\d\dT[\d:.]+Z?\s+(TRACE|DEBUG|INFO|WARN|ERROR)\b", l)]
    if plain:
        return f"plain-text log lines: {plain[:2]}"
    for line in lines:
        if not line.startswith("{"):
            continue
        try:
            event = json.loads(line)
        except ValueError:
            return f"a line that is not JSON: {line[:200]}"
        if "Started " in str(event.get("message", "")):
            level = event.get("log.level") or (event.get("log") or {}).get("level")
            ecs = event.get("ecs.version") or (event.get("ecs") or {}).get("version")
            return None if event.get("@timestamp") and level and ecs else f"not ECS: {line[:200]}"
    return "no JSON start line"


def aot_cache_refused(cid):
    """The images start their JVM from the AOT cache their build trained (Dockerfile). A JVM that
    cannot map it says so on its output ("[error][aot] ...", "Unable to use AOT cache") and starts
    without it, twice as slowly. Returns those lines, or None. (JDK 25 also warns, harmlessly, of one
    adapter it cannot link, JDK-8364929: the cache is used.)"""
    lines = run(["docker", "logs", cid]).splitlines()
    refused = [l for l in lines if re.search(r"\[error *\]\[aot|Unable to use AOT cache", l)]
    return refused[:3] or None


# ---- HTTP and TCP clients --------------------------------------------------------------------------

class Http:
    """One keep-alive connection to HAProxy; reconnects after an error."""

    def __init__(self, token=None):
        self.token = token
        self.conn = None

    def call(self, method, path, body=None, headers=None, timeout=30):
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", HTTP_PORT, timeout=timeout)
        h = {"Content-Type": "application/json"}
        if self.token:
            h["Authorization"] = f"Bearer {self.token}"
        h.update(headers or {})
        try:
            self.conn.request(method, path, body=None if body is None else json.dumps(body), headers=h)
            r = self.conn.getresponse()
            data = r.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = None
            raise
        if r.getheader("Connection", "").lower() == "close":
            self.conn.close()
            self.conn = None
        text = data.decode("utf-8", "replace")
        try:
            parsed = json.loads(text) if text else None
        except ValueError:
            parsed = text
        return r.status, parsed, r.getheader("Retry-After")


class Tcp:
    """One connection to HAProxy's TCP port speaking the native dialect (a JSON line each way)."""

    def __init__(self):
        self.sock = socket.create_connection(("127.0.0.1", TCP_PORT), timeout=60)
        self.file = self.sock.makefile("rwb")

    def call(self, request):
        self.file.write(json.dumps(request).encode() + b"\n")
        self.file.flush()
        line = self.file.readline()
        if not line:
            raise ConnectionError("connection closed")
        return json.loads(line)

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def download(token, path, timeout=60):
    """A GET whose body is a file, not JSON: (status, headers, bytes)."""
    conn = http.client.HTTPConnection("127.0.0.1", HTTP_PORT, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


def login(username, password, register=True):
    c = Http()
    if register:
        status, body, _ = c.call("POST", "/api/auth/register", {"username": username, "password": password})
        if status != 201:
            raise RuntimeError(f"register {username}: {status} {body}")
    status, body, _ = c.call("POST", "/api/auth/login", {"username": username, "password": password})
    if status != 200:
        raise RuntimeError(f"login {username}: {status} {body}")
    return body["token"]


# Every task type with a payload and the result it must give.
TYPES = [
    ("uppercase", {"text": "hola mundo"}, lambda r: r == {"text": "HOLA MUNDO"}),
    ("reverse", {"text": "abc\U0001F600"}, lambda r: r == {"text": "\U0001F600cba"}),
    ("word_count", {"text": "uno dos  tres"}, lambda r: r == {"count": 3}),
    ("sleep", {"seconds": 0.2}, lambda r: r is not None and float(r.get("slept", -1)) == 0.2),
    ("named", {"name": "informe mensual"}, lambda r: r is not None and r.get("name") == "informe mensual"),
]


# ---- artifacts: a report larger than TASKHIVE_ARTIFACTS_THRESHOLD, kept in S3 -----------------------

# 4,000 distinct words, the first 1,000 three times (36,000 characters, within the report's 60,000 and
# the 64 KiB payload cap): 97,083 bytes of CSV, beyond the shipped 64 KiB threshold.
REPORT_WORDS = [f"w{i:04d}" for i in range(4000)]
REPORT_TEXT = " ".join(REPORT_WORDS + REPORT_WORDS[:1000] * 2)
REPORT_HEADER = b"rank,word,count,share_percent,first_offset\n"
THRESHOLD = 64 * 1024


def artifact_scenario(token, other_token):
    """A big report over HTTP through HAProxy: stored as an artifact, downloaded through HAProxy over
    HTTP (by its owner; another user gets 404) and over TCP, and present in the S3 bucket. Returns what
    is wrong, or an empty list."""
    wrong = []
    client = Http(token)
    status, task, _ = client.call("POST", "/api/tasks?wait=60", {"type": "report", "payload": {"text": REPORT_TEXT}},
                                  timeout=70)
    if status not in (200, 201, 202):
        return [f"report submission: {status} {str(task)[:300]}"]
    deadline = time.monotonic() + 120
    while task.get("status") not in FINAL and time.monotonic() < deadline:
        time.sleep(1)
        status, task, _ = client.call("GET", f"/api/tasks/{task['id']}")
    if task.get("status") != "SUCCEEDED":
        return [f"report task: {task.get('status')} {str(task)[:300]}"]
    task_id = task["id"]
    artifact = task.get("artifact") or {}
    file = (task.get("result") or {}).get("file") or {}
    log(f"report {task_id}: {task['result'].get('words')} words, {task['result'].get('distinctWords')} distinct, "
        f"artifact {artifact}")
    if artifact.get("stored") != "artifact" or file.get("stored") != "artifact":
        wrong.append(f"the report is stored as an artifact: {artifact}, result file {file}")
    if not artifact.get("size", 0) > THRESHOLD:
        wrong.append(f"the report is larger than the 64 KiB threshold: {artifact.get('size')}")
    if "content" in file:
        wrong.append("the row holds no copy of an artifact's content")
    if artifact.get("url") != f"/api/tasks/{task_id}/result":
        wrong.append(f"artifact url: {artifact.get('url')}")

    # HTTP download through HAProxy
    status, headers, content = download(token, f"/api/tasks/{task_id}/result")
    digest = hashlib.sha256(content).digest()
    if status != 200:
        wrong.append(f"download: {status} {content[:200]!r}")
    else:
        if len(content) != artifact.get("size") or headers.get("content-length") != str(len(content)):
            wrong.append(f"download length {len(content)}, Content-Length {headers.get('content-length')}, "
                         f"artifact size {artifact.get('size')}")
        if digest.hex() != artifact.get("sha256"):
            wrong.append(f"download sha256 {digest.hex()} is not the artifact's {artifact.get('sha256')}")
        if headers.get("repr-digest") != f"sha-256=:{base64.b64encode(digest).decode()}:":
            wrong.append(f"Repr-Digest {headers.get('repr-digest')}")
        if not headers.get("content-type", "").startswith("text/csv"):
            wrong.append(f"Content-Type {headers.get('content-type')}")
        lines = content.split(b"\n")
        if not content.startswith(REPORT_HEADER):
            wrong.append(f"CSV header: {content[:60]!r}")
        # one row per distinct word, each word once (the rows' order and figures are the unit tests')
        words = sorted(line.split(b",")[1].decode() for line in lines[1:] if line)
        if words != sorted(REPORT_WORDS):
            wrong.append(f"CSV rows: {len(words)} words, not the {len(REPORT_WORDS)} distinct ones sent")
    status, _, body = download(other_token, f"/api/tasks/{task_id}/result")
    if status != 404:
        wrong.append(f"another user's download is a 404: {status} {body[:200]!r}")

    # TCP `result` through HAProxy: the same bytes, in base64
    conn = Tcp()
    try:
        conn.call({"action": "login", "token": token})
        reply = conn.call({"action": "result", "task_id": task_id})
    finally:
        conn.close()
    tcp_file = reply.get("file") or {}
    tcp_bytes = base64.b64decode(tcp_file.get("base64", ""))
    if not reply.get("ok") or tcp_bytes != content or tcp_file.get("sha256") != artifact.get("sha256"):
        wrong.append(f"TCP result: ok={reply.get('ok')} {len(tcp_bytes)} bytes, sha256 {tcp_file.get('sha256')}, "
                     f"{str(reply)[:200]}")

    # The object itself, in the bucket (S3Mock answers an unsigned ListObjectsV2): the row holds only its key.
    listing = run(["docker", "exec", containers("gateway")[0], "wget", "-q", "-O", "-",
                   f"http://s3mock:9090/{ENV['TASKHIVE_ARTIFACTS_BUCKET']}?list-type=2&prefix=tasks/{task_id}/"],
                  check=False)
    objects = re.findall(r"<Key>([^<]+)</Key>.*?<Size>(\d+)</Size>", listing, re.S)
    if [(k.startswith(f"tasks/{task_id}/"), int(n)) for k, n in objects] != [(True, artifact.get("size"))]:
        wrong.append(f"one object of the report's size under tasks/{task_id}/ in the bucket: {listing[:300]}")
    else:
        log(f"bucket {ENV['TASKHIVE_ARTIFACTS_BUCKET']} holds {objects[0][0]} ({objects[0][1]} bytes)")
    return wrong


# ---- database checks (psql inside the postgres container) ------------------------------------------

def psql(sql, stdin_rows=None):
    script = sql if stdin_rows is None else sql.replace("{ROWS}", "\n".join(stdin_rows) + "\n\\.")
    out = compose("exec", "-T", "postgres", "psql", "-U", ENV["POSTGRES_USER"], "-d", ENV["POSTGRES_DB"],
                  "-v", "ON_ERROR_STOP=1", "-qAt", "-F", " ", input=script)
    return [line for line in out.splitlines() if line.strip()]


def outcome(ids, timeout=180):
    """Waits until every task of ids is final; returns (succeeded, not succeeded, succeeded twice, workers)."""
    rows = [str(i) for i in ids]
    sql = """create temp table acked (id uuid primary key);
copy acked from stdin;
{ROWS}
select count(*) filter (where t.status = 'SUCCEEDED'),
       count(*) filter (where t.status is null or t.status <> 'SUCCEEDED'),
       count(*) filter (where t.status in ('QUEUED', 'RUNNING', 'RETRYING')),
       (select count(*) from (select x.task_id from task_transitions x join acked a on a.id = x.task_id
                               where x.to_status = 'SUCCEEDED' group by x.task_id having count(*) > 1) d),
       (select count(distinct x.worker_id) from task_transitions x join acked a on a.id = x.task_id
         where x.to_status = 'SUCCEEDED')
  from acked a left join tasks t on t.id = a.id;
"""
    deadline = time.monotonic() + timeout
    while True:
        succeeded, other, pending, twice, workers = map(int, psql(sql, rows)[-1].split())
        if pending == 0 or time.monotonic() > deadline:
            return succeeded, other, twice, workers
        time.sleep(1)


def submit_batch(client, tasks):
    status, body, _ = client.call("POST", "/api/tasks/batch", {"tasks": tasks}, timeout=120)
    if status not in (200, 201, 202):
        raise RuntimeError(f"batch: {status} {body}")
    return [t["id"] for t in body["tasks"]]


def burst(token, count, seconds):
    """count sleep tasks in batches of 250; their ids."""
    client = Http(token)
    ids = []
    for start in range(0, count, 250):
        n = min(250, count - start)
        ids += submit_batch(client, [{"type": "sleep", "payload": {"seconds": seconds}}] * n)
    return ids


class Submitters:
    """Clients submitting one task per request until stopped; the ids acknowledged (HTTP 2xx, TCP ok)
    and the failures. HTTP requests carry an Idempotency-Key and are repeated, with the same key, only
    when the answer says to (503 or 429 with Retry-After): any other failure counts."""

    def __init__(self, token, http_threads=2, tcp_threads=1, pause=0.03):
        self.token = token
        self.acked = []
        self.failed = []
        self.retried = 0
        self.lock = threading.Lock()
        self.stop = threading.Event()
        # A steady stream rather than as fast as possible: two saturated cores would make the
        # restarted gateways start several times slower and the test take minutes longer.
        self.pause = pause
        self.threads = [threading.Thread(target=self.http_loop, daemon=True) for _ in range(http_threads)]
        self.threads += [threading.Thread(target=self.tcp_loop, daemon=True) for _ in range(tcp_threads)]

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for t in self.threads:
            t.join(120)

    def http_loop(self):
        client = Http(self.token)
        while not self.stop.is_set():
            key = str(uuid.uuid4())
            while True:
                try:
                    status, body, retry_after = client.call(
                        "POST", "/api/tasks", {"type": "uppercase", "payload": {"text": key}},
                        headers={"Idempotency-Key": key})
                except (OSError, http.client.HTTPException) as e:
                    with self.lock:
                        self.failed.append(f"http: {type(e).__name__}: {e}")
                    break
                if status in (200, 201, 202):
                    with self.lock:
                        self.acked.append(body["id"])
                    break
                if status in (429, 503) and retry_after is not None:
                    with self.lock:
                        self.retried += 1
                    time.sleep(min(float(retry_after), 2))
                    continue
                with self.lock:
                    self.failed.append(f"http: {status} {str(body)[:200]}")
                break
            time.sleep(self.pause)

    def tcp_loop(self):
        conn = None
        while not self.stop.is_set():
            try:
                if conn is None:
                    conn = Tcp()
                    reply = conn.call({"action": "login", "token": self.token})
                    if not reply.get("ok"):
                        raise ConnectionError(f"login refused: {reply}")
                reply = conn.call({"action": "submit", "type": "reverse", "payload": {"text": "tcp"}})
            except (OSError, ValueError) as e:
                # A closed connection is what a client of a gateway that went away sees: it reconnects
                # (HAProxy sends it to a live gateway). The request in flight was not acknowledged.
                with self.lock:
                    self.failed.append(f"tcp: {type(e).__name__}: {e}")
                if conn:
                    conn.close()
                conn = None
                time.sleep(0.2)
                continue
            with self.lock:
                if reply.get("ok"):
                    self.acked.append(reply["task"]["id"])
                else:
                    self.failed.append(f"tcp: {reply}")
            time.sleep(self.pause)
        if conn:
            conn.close()


# ---- the scenarios --------------------------------------------------------------------------------

def main():
    # 1. up, health
    compose("up", "-d", "--no-build", timeout=900)
    gateways = wait_healthy("gateway", 2)
    workers = wait_healthy("worker", 2)
    wait_healthy("haproxy", 1)
    wait_haproxy(2)
    starts = [startup_seconds(c) for c in gateways + workers]
    slowest = max((s for s in starts if s is not None), default=None)
    expect(None not in starts, f"every service logged its start: {starts}")
    log(f"startup (JVM start to 'Started', 2 gateways and 2 workers at once on this machine): {starts}")
    summary["services"] = "healthy"
    summary["startup_max_s"] = slowest
    wrong = [ecs_json_logs(c) for c in (gateways[0], workers[0])]
    expect(wrong == [None, None], f"gateway and worker log ECS JSON lines (TASKHIVE_LOG_FORMAT=ecs): {wrong}")
    summary["json_logs"] = "ok" if wrong == [None, None] else "FAILED"
    refused = [aot_cache_refused(c) for c in gateways + workers]
    expect(refused == [None] * len(refused), f"gateways and workers start from their image's AOT cache: {refused}")
    summary["aot_cache"] = "used" if refused == [None] * len(refused) else "REFUSED"
    stage_done("up and healthy")

    # 2. every task type over HTTP and over TCP, through HAProxy
    token = login("e2e-user", "e2e correct horse")
    client = Http(token)
    http_ok = True
    for type_, payload, check in TYPES:
        status, body, _ = client.call("POST", "/api/tasks?wait=30", {"type": type_, "payload": payload}, timeout=40)
        good = status == 200 and body.get("status") == "SUCCEEDED" and check(body.get("result"))
        http_ok &= expect(good, f"HTTP {type_}: {status} {body}")
    status, body, _ = client.call("POST", "/api/tasks", {"type": "reverse", "payload": {"text": 5}})
    http_ok &= expect(status == 400, f"HTTP bad payload is a 400: {status} {body}")
    # The actuator is not public, however the path is spelt (the gateway would resolve each of these).
    for path in ("/actuator/prometheus", "/api/../actuator/prometheus", "/actuator;x=1/health", "/%61ctuator/health"):
        status, body, _ = client.call("GET", path)
        http_ok &= expect(status == 404, f"HTTP {path} through HAProxy is a 404: {status}")
    # ... and a scraper on the Compose network finds each gateway's metrics on its management port.
    gateway_cid = containers("gateway")[0]
    scraped = run(["docker", "exec", gateway_cid, "wget", "-q", "-O", "-", "http://127.0.0.1:8090/actuator/prometheus"],
                  check=False)
    http_ok &= expect("http_server_requests" in scraped, f"gateway metrics on the management port 8090: {scraped[:200]}")
    counted = [run(["docker", "exec", cid, "wget", "-q", "-O", "-", "http://127.0.0.1:8090/actuator/prometheus"],
                   check=False) for cid in containers("gateway")]
    http_ok &= expect(any(re.search(r'^taskhive_tasks_submitted_total\{[^}]*interface="http"', c, re.M) for c in counted),
                      "the gateways count their submissions (taskhive_tasks_submitted_total)")
    summary["http"] = "ok" if http_ok else "FAILED"

    tcp_ok = True
    conn = Tcp()
    tcp_ok &= expect(conn.call({"action": "ping"}).get("pong") is True, "TCP ping")
    reply = conn.call({"action": "login", "username": "e2e-user", "password": "e2e correct horse"})
    tcp_ok &= expect(reply.get("ok") is True, f"TCP login: {reply}")
    for i, (type_, payload, check) in enumerate(TYPES):
        reply = conn.call({"action": "submit", "type": type_, "payload": payload, "wait": 30, "id": i})
        task = reply.get("task") or {}
        good = reply.get("ok") and reply.get("id") == i and task.get("status") == "SUCCEEDED" and check(task.get("result"))
        tcp_ok &= expect(good, f"TCP {type_}: {reply}")
    conn.close()
    summary["tcp"] = "ok" if tcp_ok else "FAILED"
    stage_done("every type over HTTP and TCP")

    # 2b. a report beyond the artifact threshold: kept in S3 (S3Mock), downloaded through HAProxy
    wrong = artifact_scenario(token, login("e2e-other", "e2e another horse"))
    for what in wrong:
        expect(False, f"artifact: {what}")
    summary["artifact"] = "FAILED" if wrong else "ok"
    stage_done("report through the artifact store")

    # 3. scale: 5 workers, 3 gateways; the workers register and share a burst
    compose("up", "-d", "--no-build", "--no-recreate", "--scale", "worker=5", "--scale", "gateway=3", timeout=900)
    workers = wait_healthy("worker", 5)
    gateways = wait_healthy("gateway", 3)
    wait_haproxy(3)
    summary["gateway_replicas"] = len(haproxy_up("gateways_http"))
    admin = Http(login(ENV["TASKHIVE_ADMIN_USERNAME"], ENV["TASKHIVE_ADMIN_PASSWORD"], register=False))
    deadline = time.monotonic() + 30
    while True:
        status, live, _ = admin.call("GET", "/api/admin/workers")
        alive = [w for w in live if w.get("alive")] if status == 200 else []
        if len(alive) >= 5 or time.monotonic() > deadline:
            break
        time.sleep(1)
    expect(len(alive) == 5, f"5 live workers registered: {status} {len(alive)}")
    ids = burst(token, 1000, 0.1)
    succeeded, other, twice, used = outcome(ids)
    log(f"burst: 1000 tasks, {succeeded} succeeded on {used} workers, {other} not, {twice} twice")
    expect(succeeded == 1000 and twice == 0, "the burst succeeded, each task once")
    expect(used == 5, f"all 5 workers ran tasks of the burst: {used}")
    summary["workers"] = used
    summary["burst"] = succeeded
    stage_done("scale to 5 workers, 3 gateways")

    # 4. SIGKILL a worker in the middle of a burst
    ids = burst(token, 1000, 0.5)
    time.sleep(2)
    victim = containers("worker")[0]
    run(["docker", "kill", "--signal", "KILL", victim])
    log(f"killed worker {victim[:12]} with SIGKILL during a burst of 1000 sleep tasks")
    succeeded, other, twice, used = outcome(ids)
    log(f"after the worker kill: {succeeded} succeeded, {other} not, {twice} twice, on {used} workers")
    summary["killed_worker_lost"] = other
    twice_total = twice
    # Restarted on an idle system: its startup is the figure the images are held to (20 s).
    run(["docker", "start", victim])
    wait_healthy("worker", 5)
    alone = [startup_seconds(victim)]
    stage_done("SIGKILL a worker under load")

    # 5. SIGKILL a gateway while clients submit over HTTP and TCP
    with Submitters(token) as load:
        time.sleep(3)
        victim = containers("gateway")[0]
        run(["docker", "kill", "--signal", "KILL", victim])
        log(f"killed gateway {victim[:12]} with SIGKILL under load")
        time.sleep(12)  # HAProxy takes the dead gateway out after its failed checks; the clients go on
    succeeded, other, twice, _ = outcome(load.acked)
    log(f"after the gateway kill: {len(load.acked)} acknowledged, {succeeded} succeeded, {other} not, "
        f"{twice} twice; {len(load.failed)} requests failed (not acknowledged; the dead gateway's): "
        f"{sorted(set(f.split(':')[0] + ':' + f.split(':')[1] for f in load.failed))[:5]}")
    expect(len(load.acked) > 100, f"the clients kept submitting: {len(load.acked)}")
    summary["killed_gateway_lost"] = other
    twice_total += twice
    run(["docker", "start", victim])
    wait_healthy("gateway", 3)
    wait_haproxy(3)
    alone.append(startup_seconds(victim))
    stage_done("SIGKILL a gateway under load")

    # 6. rolling restart of the gateways, one at a time, under load
    under_load = []
    # A steady client, not a flood: what is tested is that no request fails while the gateways
    # restart one by one, and a flood would only slow each restart down on two cores.
    with Submitters(token, tcp_threads=0, pause=0.2) as load:
        time.sleep(2)
        for cid in containers("gateway"):
            began = time.monotonic()
            run(["docker", "stop", cid], timeout=120)
            stopped = time.monotonic() - began
            run(["docker", "start", cid])
            wait_healthy("gateway", 3)
            wait_haproxy(3)
            under_load.append(startup_seconds(cid))
            log(f"restarted gateway {cid[:12]}: stopped in {stopped:.1f}s, started in {under_load[-1]}s, back in "
                f"HAProxy after {time.monotonic() - began:.1f}s")
        time.sleep(2)
    succeeded, other, twice, _ = outcome(load.acked)
    log(f"rolling restart: {len(load.acked)} acknowledged, {succeeded} succeeded, {other} not, {twice} twice; "
        f"{load.retried} retried as told; failed: {load.failed[:5]}")
    expect(len(load.acked) > 100, f"the client kept submitting: {len(load.acked)}")
    summary["rolling_restart_failed"] = len(load.failed)
    summary["rolling_restart_lost"] = other
    twice_total += twice
    stage_done("rolling restart of the gateways")

    # Over everything this run did: no task reached SUCCEEDED twice.
    twice_all = int(psql("select count(*) from (select task_id from task_transitions where to_status = 'SUCCEEDED' "
                         "group by task_id having count(*) > 1) d;")[-1])
    summary["twice"] = max(twice_total, twice_all)
    summary["startup_alone_max_s"] = max((a for a in alone if a is not None), default=None)
    log(f"startup (JVM start to 'Started') of one container restarting on an idle system (the killed worker, "
        f"the killed gateway): {alone}; of each gateway in the rolling restart, under load: {under_load}")
    # A figure, printed against its target, not a pass/fail: a timing on a shared 2-core machine is
    # a measurement (docs/benchmarks.md), and the summary line says whether it was within 20 s.
    expect(None not in alone, f"the restarted containers logged their start: {alone}")
    summary["startup_alone_within_20s"] = "yes" if None not in alone and max(alone) <= 20 else "no"

    expect(summary["killed_worker_lost"] == 0, "no task lost to the worker kill")
    expect(summary["killed_gateway_lost"] == 0, "no acknowledged task lost to the gateway kill")
    expect(summary["rolling_restart_failed"] == 0, "no failed request during the rolling restart")
    expect(summary["rolling_restart_lost"] == 0, "no acknowledged task lost during the rolling restart")
    expect(summary["twice"] == 0, "no task succeeded twice")
    expect(summary["gateway_replicas"] == 3, "HAProxy balanced over 3 gateways")


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # the summary line still tells how far it got
        failures.append(f"{type(e).__name__}: {e}")
        log(f"FAILED: {type(e).__name__}: {e}")
    order = ["services", "json_logs", "aot_cache", "http", "tcp", "artifact", "workers", "burst", "killed_worker_lost", "killed_gateway_lost", "twice",
             "rolling_restart_failed", "gateway_replicas", "startup_max_s", "startup_alone_max_s",
             "startup_alone_within_20s"]
    print("compose-e2e: " + " ".join(f"{k}={summary.get(k, '-')}" for k in order)
          + f" result={'FAILED' if failures else 'PASSED'}", flush=True)
    for f in failures:
        print(f"compose-e2e: failed: {f}", flush=True)
    sys.exit(1 if failures else 0)
