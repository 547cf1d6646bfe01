#!/usr/bin/env node
'use strict';
// Static checks of taskhive's deployment files, run by ../validate.sh (which also runs
// docker-compose config and haproxy -c). Prints one line per check and ends with
// "N passed, N failed"; exits 1 when anything failed.
//
//   node validate.js --root <repository> --compose-config <output of docker-compose config>

const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const YAML = require('yaml');
const dockerfileUtils = require('dockerfile-utils');
const { render, findKustomizationFile, parseYamlDocuments } = require('./lib/kustomize');
const { validateObject } = require('./lib/schemas');

// ---- arguments and reporting -----------------------------------------------------------------

const args = { root: path.resolve(__dirname, '..', '..'), composeConfig: null };
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (a === '--root') args.root = path.resolve(process.argv[++i]);
  else if (a === '--compose-config') args.composeConfig = path.resolve(process.argv[++i]);
  else {
    console.error(`unknown argument ${a}`);
    process.exit(2);
  }
}
const ROOT = args.root;
const rel = (p) => path.relative(ROOT, p) || '.';
const read = (p) => fs.readFileSync(path.join(ROOT, p), 'utf8');
const exists = (p) => fs.existsSync(path.join(ROOT, p));

let passed = 0;
let failed = 0;

/** Runs fn, which returns a list of problems (or a string note); prints ok or FAIL. */
function check(group, name, fn) {
  let problems;
  let note = '';
  try {
    const result = fn();
    if (typeof result === 'string') note = result;
    problems = Array.isArray(result) ? result : [];
  } catch (e) {
    problems = [e && e.message ? e.message : String(e)];
  }
  problems = problems.filter(Boolean);
  if (problems.length === 0) {
    passed++;
    console.log(`  ok    [${group}] ${name}${note ? ` (${note})` : ''}`);
  } else {
    failed++;
    console.log(`  FAIL  [${group}] ${name}`);
    for (const p of problems.slice(0, 25)) console.log(`          - ${p}`);
    if (problems.length > 25) console.log(`          - ... and ${problems.length - 25} more`);
  }
  return problems.length === 0;
}

// ---- small helpers ---------------------------------------------------------------------------

/** "30s", "1m30s", "500ms", 45 -> seconds */
function seconds(value) {
  if (typeof value === 'number') return value;
  const s = String(value).trim();
  let total = 0;
  let matched = '';
  for (const m of s.matchAll(/(\d+(?:\.\d+)?)(ms|us|s|m|h|d)/g)) {
    const n = Number(m[1]);
    total += { us: n / 1e6, ms: n / 1000, s: n, m: n * 60, h: n * 3600, d: n * 86400 }[m[2]];
    matched += m[0];
  }
  if (matched !== s) {
    if (/^\d+$/.test(s)) return Number(s);
    throw new Error(`cannot read the duration ${JSON.stringify(value)}`);
  }
  return total;
}

function imageName(image) {
  const noDigest = String(image).split('@')[0];
  const colon = noDigest.lastIndexOf(':');
  return colon > noDigest.lastIndexOf('/') ? noDigest.slice(0, colon) : noDigest;
}

function imageTag(image) {
  const noDigest = String(image).split('@')[0];
  const colon = noDigest.lastIndexOf(':');
  return colon > noDigest.lastIndexOf('/') ? noDigest.slice(colon + 1) : '';
}

function walkFiles(dir, pattern, out = []) {
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) walkFiles(p, pattern, out);
    else if (pattern.test(entry.name)) out.push(p);
  }
  return out;
}

function labelsMatch(selector, labels) {
  return selector && Object.keys(selector).length > 0
    && Object.entries(selector).every(([k, v]) => labels && labels[k] === v);
}

// ---- what the applications read ---------------------------------------------------------------

const MODULES = {
  gateway: { module: 'gateway-service', config: 'gateway-service/src/main/resources/gateway.yml', image: 'taskhive/gateway-service', target: 'gateway' },
  worker: { module: 'worker-service', config: 'worker-service/src/main/resources/worker.yml', image: 'taskhive/worker-service', target: 'worker' },
};
const SHARED_MODULE = 'task-domain';

// Settings announced for the applications but not read by them yet: accepted in the deployment
// files and reported as pending until the code reads them (name -> services). Empty: the TCP
// listener reads TASKHIVE_TCP_PORT, and the S3 settings wait, unset, for the code that will use them.
const PENDING_ENV = {};
const TCP_PORT_DEFAULT = 5000; // the gateway's TCP listener, TASKHIVE_TCP_PORT (contract)
const PROBES = { liveness: '/actuator/health/liveness', readiness: '/actuator/health/readiness' };
const PROMETHEUS_PATH = '/actuator/prometheus';
const METADATA = 'target/classes/META-INF/spring-configuration-metadata.json';

/** Spring's two environment-variable forms of a property name (relaxed binding). */
function envForms(property) {
  const parts = property.split('.');
  return [
    parts.map((p) => p.replace(/-/g, '').toUpperCase()).join('_'),
    parts.map((p) => p.replace(/-/g, '_').toUpperCase()).join('_'),
  ];
}

/**
 * What the service's @ConfigurationProperties records declare, from the metadata that Spring Boot's
 * configuration processor writes at compile time (names, types, defaults): property name ->
 * { type, defaultValue, module }. deploy/validate.sh compiles the modules first when it is missing.
 */
function configurationMetadata(service) {
  const properties = new Map();
  for (const d of [MODULES[service].module, SHARED_MODULE]) {
    const file = path.join(d, METADATA);
    if (!exists(file)) throw new Error(`${file} is missing: compile first (./mvnw -q compile -pl ${MODULES[service].module} -am; deploy/validate.sh does)`);
    for (const prop of JSON.parse(read(file)).properties || []) properties.set(prop.name, { ...prop, module: d });
  }
  return properties;
}

/**
 * The environment variables a service reads: the ${TASKHIVE_...} placeholders of its configuration
 * files, and every taskhive.* property of its records in Spring's relaxed environment form.
 */
function appKnowledge(service) {
  const literal = new Set();
  for (const d of [MODULES[service].module, SHARED_MODULE]) {
    for (const f of walkFiles(path.join(ROOT, d, 'src', 'main', 'resources'), /\.(ya?ml|properties)$/)) {
      for (const m of fs.readFileSync(f, 'utf8').matchAll(/TASKHIVE_[A-Z0-9_]+/g)) literal.add(m[0]);
    }
  }
  const metadata = configurationMetadata(service);
  const derived = new Set([...metadata.keys()].flatMap((name) => envForms(name)));
  const config = YAML.parse(read(MODULES[service].config));
  return { literal, derived, config, metadata };
}

function placeholderDefault(value, variable) {
  const m = String(value).match(new RegExp(`\\$\\{${variable}:([^}]*)\\}`));
  return m ? m[1] : null;
}

// ---- load everything -------------------------------------------------------------------------

console.log(`taskhive deployment validation of ${ROOT}`);
const apps = {};
check('app', 'application configuration readable (gateway.yml, worker.yml, sources)', () => {
  for (const s of Object.keys(MODULES)) apps[s] = appKnowledge(s);
  return [];
});
if (!apps.gateway || !apps.worker) {
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(1);
}

function appHttpPort(service) {
  const port = apps[service].config.server.port;
  const variable = service === 'gateway' ? 'TASKHIVE_HTTP_PORT' : 'TASKHIVE_WORKER_HTTP_PORT';
  const def = placeholderDefault(port, variable);
  if (def === null) throw new Error(`${MODULES[service].config}: server.port is not \${${variable}:default}`);
  return { variable, default: Number(def) };
}

/**
 * Where a service serves its actuator (health, metrics): the gateway on its management port, which
 * nothing public routes; the worker on its only HTTP port. name: the container port's name in k8s.
 */
function appActuatorPort(service) {
  if (service !== 'gateway') return { ...appHttpPort(service), name: 'http' };
  const port = ((apps.gateway.config.management || {}).server || {}).port;
  const def = placeholderDefault(port, 'TASKHIVE_MANAGEMENT_PORT');
  if (def === null) throw new Error(`${MODULES.gateway.config}: management.server.port is not \${TASKHIVE_MANAGEMENT_PORT:default}`);
  return { variable: 'TASKHIVE_MANAGEMENT_PORT', default: Number(def), name: 'management' };
}

function shutdownSeconds(service) {
  const c = apps[service].config;
  return seconds(c.spring.lifecycle['timeout-per-shutdown-phase']);
}

/** Spring Boot's reading of a java.time.Duration: a bare number is milliseconds (no @DurationUnit). */
function springDurationSeconds(value) {
  const s = String(value).trim().toLowerCase();
  if (/^[+-]?\d+$/.test(s)) return Number(s) / 1000;
  const ns = s.match(/^(\d+)ns$/);
  if (ns) return Number(ns[1]) / 1e9;
  const iso = s.match(/^p(?:(\d+)d)?(?:t(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?)?$/);
  if (iso) return Number(iso[1] || 0) * 86400 + Number(iso[2] || 0) * 3600 + Number(iso[3] || 0) * 60 + Number(iso[4] || 0);
  return seconds(s);
}

/** The default a properties record declares for a property (@DefaultValue, in the generated metadata). */
function metadataDefault(service, property) {
  const prop = apps[service].metadata.get(property);
  if (!prop || prop.defaultValue === undefined || prop.defaultValue === null) return null;
  return { value: String(prop.defaultValue), source: `${prop.module} configuration metadata (default)` };
}

/**
 * The value a service runs with for a taskhive.* property, given the environment a deployment file
 * hands it: an environment variable (relaxed binding, or the yml's ${VAR:default}), else the yml,
 * else the properties record's default (from the configuration metadata). With duration, also its seconds, and a problem for a value
 * without a unit (Spring reads "25" as 25 ms).
 */
function appSetting(service, property, env, duration) {
  const names = envForms(property);
  let node = apps[service].config;
  for (const part of property.split('.')) node = node && typeof node === 'object' ? node[part] : undefined;
  const placeholder = typeof node === 'string' ? node.match(/^\$\{(\w+):([^}]*)\}$/) : null;
  let found = null;
  for (const n of new Set([...names, ...(placeholder ? [placeholder[1]] : [])])) {
    if (env[n] !== undefined && env[n] !== null && String(env[n]) !== '') {
      found = { value: String(env[n]), source: n, variable: n, fromEnv: true };
      break;
    }
  }
  if (!found && node !== undefined && node !== null) found = { value: String(placeholder ? placeholder[2] : node), source: MODULES[service].config };
  if (!found) found = metadataDefault(service, property);
  if (!found) throw new Error(`${service}: cannot find the value or default of ${property} (${MODULES[service].config}, the configuration metadata)`);
  const result = { ...found, variable: found.variable || names[1], problems: [] };
  if (duration) {
    result.seconds = springDurationSeconds(found.value);
    if (/^[+-]?\d+$/.test(found.value.trim())) result.problems.push(`${service}: ${result.variable} is ${found.value} without a unit, which Spring reads as milliseconds (write ${found.value}s)`);
  }
  return result;
}

/** What a service does after SIGTERM before Spring's graceful phase, and how long it may take. */
function preShutdown(service, env) {
  if (service === 'gateway') {
    // ShutdownDelay keeps serving first (readiness already 503), then the TCP listener drains.
    const w = appSetting(service, 'taskhive.gateway.shutdown-delay', env, true);
    const d = appSetting(service, 'taskhive.tcp.drain-timeout', env, true);
    const text = `${w.seconds > 0 ? `shutdown delay ${w.seconds}s (${w.variable}) + ` : ''}TCP drain ${d.seconds}s (${d.variable})`;
    return { seconds: w.seconds + d.seconds, text, problems: [...w.problems, ...d.problems], setting: d };
  }
  const g = appSetting(service, 'taskhive.worker.shutdown-grace', env, true);
  // After the grace the worker interrupts what still runs and waits this long for the hand-back.
  const h = appSetting(service, 'taskhive.worker.hand-back-timeout', env, true);
  return { seconds: g.seconds + h.seconds, text: `shutdown grace ${g.seconds}s (${g.variable}) + hand-back ${h.seconds}s (${h.variable})`, problems: [...g.problems, ...h.problems], setting: g };
}

function appPoolSize(service) {
  const size = (((apps[service].config.spring || {}).datasource || {}).hikari || {})['maximum-pool-size'];
  const def = placeholderDefault(size, 'TASKHIVE_DB_POOL_SIZE');
  return def === null ? Number(size) : Number(def);
}

function maxConnections(args) {
  const m = (args || []).join(' ').match(/max_connections=(\d+)/);
  return m ? Number(m[1]) : 100; // PostgreSQL's default
}

const ALLOWED_ENV = {};
for (const s of Object.keys(MODULES)) {
  ALLOWED_ENV[s] = new Set([...apps[s].literal, ...apps[s].derived]);
}

function checkEnvNames(service, names, where) {
  const problems = [];
  const pending = [];
  for (const name of names) {
    if (!name.startsWith('TASKHIVE_')) continue;
    if (ALLOWED_ENV[service].has(name)) continue;
    if (PENDING_ENV[name] && PENDING_ENV[name].includes(service)) {
      pending.push(name);
      continue;
    }
    const other = Object.keys(MODULES).find((s) => s !== service && ALLOWED_ENV[s].has(name));
    problems.push(`${where}: ${name} is not read by the ${service}${other ? ` (only the ${other} reads it)` : ''}`);
  }
  return { problems, pending };
}

// ---- application invariants -------------------------------------------------------------------

check('app', 'both services expose liveness/readiness probes and Prometheus (management.*)', () => {
  const problems = [];
  for (const s of Object.keys(MODULES)) {
    const m = apps[s].config.management || {};
    const exposure = String(((m.endpoints || {}).web || {}).exposure ? m.endpoints.web.exposure.include : '');
    if (!(((m.endpoint || {}).health || {}).probes || {}).enabled) problems.push(`${s}: management.endpoint.health.probes.enabled is not true`);
    if (!/\bhealth\b/.test(exposure)) problems.push(`${s}: health is not exposed over HTTP`);
    if (!/\bprometheus\b/.test(exposure)) problems.push(`${s}: prometheus is not exposed over HTTP`);
    const pom = read(`${MODULES[s].module}/pom.xml`);
    if (!pom.includes('spring-boot-starter-actuator')) problems.push(`${s}: no spring-boot-starter-actuator in its pom.xml`);
    if (!pom.includes('micrometer-registry-prometheus')) problems.push(`${s}: no micrometer-registry-prometheus in its pom.xml`);
    if ((apps[s].config.server || {}).shutdown !== 'graceful') problems.push(`${s}: server.shutdown is not graceful`);
  }
  // The gateway's API port is what HAProxy and the Ingress publish: its actuator needs a port of
  // its own (that probes and scrapers need no token there is OperationsTest's to prove).
  try {
    const management = appActuatorPort('gateway');
    if (management.default === appHttpPort('gateway').default) problems.push(`gateway: management.server.port defaults to the API port ${management.default}`);
  } catch (e) {
    problems.push(e.message);
  }
  return problems;
});

let taskQueueSuffix = null;
check('app', 'the work queue is named <namespace>.tasks (MessagingProperties.taskQueue)', () => {
  const src = read('task-domain/src/main/java/io/taskhive/messaging/MessagingProperties.java');
  const m = src.match(/taskQueue\(\)\s*\{\s*return\s+namespace\s*\+\s*"([^"]+)"\s*;/);
  if (!m) return ['cannot find `return namespace + "..."` in taskQueue()'];
  taskQueueSuffix = m[1];
  return `suffix ${m[1]}`;
});

// ---- Dockerfiles ------------------------------------------------------------------------------

function parseDockerfile(text) {
  const instructions = [];
  let buffer = '';
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (!buffer && /^\s*#/.test(line)) continue;
    if (buffer && /^\s*#/.test(line)) continue;
    if (/\\\s*$/.test(line)) {
      buffer += `${line.replace(/\\\s*$/, '')} `;
      continue;
    }
    buffer += line;
    if (buffer.trim()) {
      const m = buffer.trim().match(/^(\S+)\s*([\s\S]*)$/);
      instructions.push({ keyword: m[1].toUpperCase(), args: m[2].trim() });
    }
    buffer = '';
  }
  return instructions;
}

// One Dockerfile builds both images: a build stage running Maven once, a shared runtime base, and a
// stage per service, chosen with --target (MODULES[service].target).
const DOCKERFILE = 'Dockerfile';

/** The Dockerfile's stages in order: { name, from, ins } (ins: the stage's own instructions). */
function dockerStages(ins) {
  const stages = [];
  for (const i of ins) {
    if (i.keyword === 'FROM') {
      const m = i.args.match(/^(\S+)(?:\s+AS\s+(\S+))?$/i);
      stages.push({ name: m && m[2] ? m[2] : String(stages.length), from: m ? m[1] : i.args, ins: [] });
    } else if (stages.length) stages[stages.length - 1].ins.push(i);
  }
  return stages;
}

/** The ARG instructions before the first FROM: their defaults reach every stage that declares them. */
function globalBuildArgs(text) {
  const ins = parseDockerfile(text);
  const first = ins.findIndex((i) => i.keyword === 'FROM');
  return ins.slice(0, first < 0 ? ins.length : first).filter((i) => i.keyword === 'ARG');
}

/** A RUN's text with $NAME and ${NAME} replaced by the default values of the ARGs given. */
function expandBuildArgs(text, argInstructions) {
  const values = {};
  for (const a of argInstructions) {
    const m = a.args.match(/^([A-Za-z_][A-Za-z0-9_]*)=(?:"([^"]*)"|(\S*))$/);
    if (m) values[m[1]] = m[2] !== undefined ? m[2] : m[3];
  }
  return `${text} `.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (all, name) => (name in values ? values[name] : all));
}

/** A stage's instructions with those of the stages it is built FROM, base first; and its base image. */
function stageChain(stages, name) {
  const chain = [];
  let stage = stages.find((x) => x.name === name);
  while (stage && chain.length < stages.length) {
    chain.unshift(stage);
    const from = stage.from;
    stage = stages.find((x) => x.name === from);
  }
  return { ins: chain.flatMap((x) => x.ins), image: chain.length ? chain[0].from : null };
}

check('docker', `${DOCKERFILE}: lint (dockerfile-utils), one Maven build for both services, no BuildKit frontend fetched`, () => {
  if (!exists(DOCKERFILE)) return [`${DOCKERFILE} does not exist`];
  const text = read(DOCKERFILE);
  const problems = dockerfileUtils.validate(text).filter((d) => d.severity <= 2)
    .map((d) => `line ${d.range.start.line + 1}: ${d.message}`);
  // A parser directive must come before anything else, comments included; "# syntax=" makes
  // BuildKit fetch a frontend image from a registry (none is reachable on the CI machines).
  for (const line of text.split('\n')) {
    if (!/^\s*#/.test(line)) break;
    if (/^#\s*syntax\s*=/i.test(line)) problems.push(`"${line.trim()}" fetches a BuildKit frontend from a registry: the built-in one handles RUN --mount`);
  }
  for (const info of Object.values(MODULES)) if (exists(`${info.module}/Dockerfile`)) problems.push(`${info.module}/Dockerfile: a second Dockerfile (both images come from ${DOCKERFILE})`);
  const stages = dockerStages(parseDockerfile(text));
  const build = stages[0];
  if (!build || !/^eclipse-temurin:25-jdk\S*$/.test(build.from) || build.name === '0') problems.push(`the build stage is not FROM eclipse-temurin:25-jdk ... AS <name>: ${build && build.from}`);
  const runs = build ? build.ins.filter((i) => i.keyword === 'RUN').map((i) => i.args).join('\n') : '';
  const pl = runs.match(/\.\/mvnw\b[^\n]*-pl\s+(\S+)\s+-am\b[^\n]*\bpackage\b/);
  if (!pl) problems.push('no `./mvnw ... -pl <modules> -am package` in the build stage (the build must mirror CI\'s Maven wrapper)');
  for (const info of Object.values(MODULES)) {
    if (pl && !pl[1].split(',').includes(info.module)) problems.push(`the Maven build does not build ${info.module}`);
  }
  if (!/--mount=type=cache,target=\/root\/\.m2\b/.test(runs)) problems.push('the Maven repository is not a BuildKit cache mount (dependencies would be downloaded on every source change)');
  if (!/-exec\.jar\b/.test(runs)) problems.push('the runnable <module>-*-exec.jar is not the one used');
  if (!/-Djarmode=tools -jar \S+ extract --layers/.test(runs)) problems.push('no Spring Boot layered extraction (java -Djarmode=tools -jar ... extract --layers)');
  for (const i of parseDockerfile(text).filter((x) => x.keyword === 'ENV' || x.keyword === 'ARG')) {
    for (const m of i.args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=/g)) {
      if (/SECRET|PASSWORD|TOKEN|ACCESS_KEY|SECRET_KEY/i.test(m[1])) problems.push(`${i.keyword} ${m[1]}: no secret may be baked into the image`);
    }
  }
  return problems;
});

const dockerfiles = {};
for (const [service, info] of Object.entries(MODULES)) {
  check('docker', `${DOCKERFILE} --target ${info.target}: ${info.module}'s layers on a JRE, non-root, health-checked`, () => {
    if (!exists(DOCKERFILE)) return [`${DOCKERFILE} does not exist`];
    const stages = dockerStages(parseDockerfile(read(DOCKERFILE)));
    if (!stages.some((x) => x.name === info.target)) return [`no stage named ${info.target}`];
    const { ins: runtime, image } = stageChain(stages, info.target);
    dockerfiles[service] = runtime;
    const problems = [];
    // JDK 25: the AOT cache below needs it (-XX:AOTCacheOutput is JDK 24+, its method profiles 25).
    if (!/^eclipse-temurin:25-jre\S*/.test(image || '')) problems.push(`the ${info.target} stage does not run on a JRE 25 image: ${image}`);
    const copies = runtime.filter((i) => i.keyword === 'COPY' && i.args.startsWith('--from=')).map((i) => i.args);
    for (const layer of ['dependencies', 'spring-boot-loader', 'snapshot-dependencies', 'application']) {
      if (!copies.some((c) => c.includes(`/${info.module}/${layer}/`))) problems.push(`the ${info.target} stage does not copy ${info.module}'s ${layer} layer`);
    }
    for (const other of Object.values(MODULES).filter((m) => m !== info)) {
      if (copies.some((c) => c.includes(`/${other.module}/`))) problems.push(`the ${info.target} stage copies ${other.module}'s layers`);
    }
    const users = runtime.filter((i) => i.keyword === 'USER').map((i) => i.args);
    if (users.length === 0) problems.push('the runtime stage sets no USER');
    else if (!/^[1-9]\d*(:\d+)?$/.test(users[users.length - 1])) problems.push(`USER must be a numeric non-root uid (Kubernetes runAsNonRoot checks it): ${users[users.length - 1]}`);
    const envText = runtime.filter((i) => i.keyword === 'ENV').map((i) => i.args).join(' ');
    if (!/-XX:MaxRAMPercentage=/.test(envText)) problems.push('the JVM is not sized by the container limit (-XX:MaxRAMPercentage)');
    const actuator = appActuatorPort(service);
    if (!runtime.some((i) => i.keyword === 'HEALTHCHECK' && i.args.includes(PROBES.readiness)
        && (i.args.includes(`\${${actuator.variable}}`) || i.args.includes(`:${actuator.default}/`)))) {
      problems.push(`no HEALTHCHECK on ${PROBES.readiness} at the actuator's port (${actuator.variable})`);
    }
    const entry = runtime.filter((i) => i.keyword === 'ENTRYPOINT').map((i) => i.args).pop() || '';
    try {
      if (!Array.isArray(JSON.parse(entry))) throw new Error();
    } catch (e) {
      problems.push(`ENTRYPOINT is not in exec form (the JVM must be PID 1 to get SIGTERM): ${entry}`);
    }
    // The service starts from the AOT cache that its own stage trained, with the runtime's JVM.
    const cache = (entry.match(/-XX:AOTCache=([^"\s]+)/) || [])[1];
    const buildArgs = [...globalBuildArgs(read(DOCKERFILE)), ...runtime.filter((x) => x.keyword === 'ARG')];
    const trained = runtime.filter((i) => i.keyword === 'RUN').map((i) => expandBuildArgs(i.args, buildArgs))
      .some((r) => r.includes('-jar /app/application.jar') && r.includes(`-XX:AOTCacheOutput=${cache} `));
    if (!cache) problems.push(`the ENTRYPOINT does not start from an AOT cache (-XX:AOTCache=...): ${entry}`);
    else if (!trained) problems.push(`no RUN in the ${info.target} stage trains ${cache} (-XX:AOTCacheOutput=${cache} ... -jar /app/application.jar)`);
    const exposed = runtime.filter((i) => i.keyword === 'EXPOSE').flatMap((i) => i.args.split(/\s+/)).map((p) => Number(p.split('/')[0]));
    const expected = [...new Set([appHttpPort(service).default, appActuatorPort(service).default])];
    if (service === 'gateway') expected.push(TCP_PORT_DEFAULT);
    for (const p of expected) if (!exposed.includes(p)) problems.push(`EXPOSE lacks ${p}`);
    const envNames = [...envText.matchAll(/(TASKHIVE_[A-Z0-9_]+)=/g)].map((m) => m[1]);
    problems.push(...checkEnvNames(service, envNames, `${DOCKERFILE} ${info.target}`).problems);
    return problems;
  });
}

check('docker', '.dockerignore keeps build output, git data and secrets out of the context', () => {
  if (!exists('.dockerignore')) return ['.dockerignore does not exist'];
  const lines = read('.dockerignore').split('\n').map((l) => l.trim());
  const problems = [];
  for (const need of ['**/target/', '.git/', '.env', '**/node_modules/']) if (!lines.includes(need)) problems.push(`.dockerignore lacks ${need}`);
  for (const keep of ['mvnw', '.mvn', 'pom.xml', 'src']) if (lines.includes(keep) || lines.includes(`${keep}/`)) problems.push(`.dockerignore excludes ${keep}, which the build needs`);
  return problems;
});

// ---- Kubernetes -------------------------------------------------------------------------------

const k8sDir = path.join(ROOT, 'k8s');
const kustomizations = [k8sDir, path.join(k8sDir, 'base')];
const overlaysDir = path.join(k8sDir, 'overlays');
if (fs.existsSync(overlaysDir)) {
  for (const d of fs.readdirSync(overlaysDir).sort()) {
    if (findKustomizationFile(path.join(overlaysDir, d))) kustomizations.push(path.join(overlaysDir, d));
  }
}

const renders = {};
for (const dir of kustomizations) {
  const name = rel(dir);
  check('k8s', `render ${name} (kubectl kustomize)`, () => {
    renders[name] = render(dir);
    return `${renders[name].length} objects`;
  });
}

for (const [name, objects] of Object.entries(renders)) {
  check('k8s', `${name}: every object valid against the Kubernetes schemas (types, required, enums, no unknown fields)`, () => {
    const problems = [];
    for (const o of objects) for (const e of validateObject(o)) problems.push(`${o.kind}/${o.metadata.name}: ${e}`);
    return problems.length ? problems : `${objects.length} objects: ${[...new Set(objects.map((o) => o.kind))].join(', ')}`;
  });
}

let secretExample = null;
check('k8s', 'k8s/secret.example.yaml: a valid Secret example with placeholders only, applied by no kustomization', () => {
  const docs = parseYamlDocuments(path.join(k8sDir, 'secret.example.yaml'));
  const problems = [];
  if (docs.length !== 1 || docs[0].kind !== 'Secret') return ['must hold exactly one Secret'];
  secretExample = docs[0];
  for (const e of validateObject(secretExample)) problems.push(e);
  const values = { ...(secretExample.stringData || {}) };
  for (const [k, v] of Object.entries(secretExample.data || {})) values[k] = Buffer.from(v, 'base64').toString();
  for (const [k, v] of Object.entries(values)) {
    if (/PASSWORD|SECRET|URL/.test(k) && !String(v).includes('change-me')) problems.push(`${k} must be a change-me placeholder, not a usable value`);
  }
  if (values.TASKHIVE_JWT_SECRET && Buffer.byteLength(values.TASKHIVE_JWT_SECRET) >= 32) problems.push('the example TASKHIVE_JWT_SECRET must be shorter than 32 bytes, so that the gateway refuses it');
  // The gateway refuses to start with these two while they start with the placeholder.
  for (const k of ['TASKHIVE_JWT_SECRET', 'TASKHIVE_ADMIN_PASSWORD']) {
    if (values[k] !== undefined && !String(values[k]).startsWith('change-me')) problems.push(`${k} must start with change-me, so that the gateway refuses the example`);
  }
  for (const [name, objects] of Object.entries(renders)) {
    if (objects.some((o) => o.kind === 'Secret')) problems.push(`${name} renders a Secret: secrets are created out of band`);
  }
  return problems;
});

function podSpec(o) {
  if (o.kind === 'Deployment' || o.kind === 'StatefulSet') return o.spec.template.spec;
  if (o.kind === 'Job') return o.spec.template.spec;
  return null;
}
function podLabels(o) {
  return o.spec && o.spec.template && o.spec.template.metadata ? o.spec.template.metadata.labels || {} : {};
}
const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'Job']);

for (const [name, objects] of Object.entries(renders)) {
  const byKind = (kind) => objects.filter((o) => o.kind === kind);
  const find = (kind, n) => objects.find((o) => o.kind === kind && o.metadata.name === n);
  const configMaps = new Map(byKind('ConfigMap').map((c) => [c.metadata.name, c.data || {}]));
  /** A container's environment as far as the render tells: envFrom ConfigMaps, then env values. */
  const containerEnv = (c) => {
    const env = {};
    for (const ef of c.envFrom || []) if (ef.configMapRef) Object.assign(env, configMaps.get(ef.configMapRef.name) || {});
    for (const e of c.env || []) {
      if (e.value !== undefined) env[e.name] = e.value;
      else if (e.valueFrom && e.valueFrom.configMapKeyRef) env[e.name] = (configMaps.get(e.valueFrom.configMapKeyRef.name) || {})[e.valueFrom.configMapKeyRef.key];
    }
    return env;
  };

  check('k8s', `${name}: NetworkPolicies: every pod selected by one, their named ports exist, workers accept nothing, PostgreSQL and RabbitMQ only the services`, () => {
    const problems = [];
    const policies = byKind('NetworkPolicy');
    const selects = (p, labels) => labelsMatch((p.spec.podSelector || {}).matchLabels, labels);
    const serviceNames = new Set(['gateway', 'worker']);
    for (const w of objects.filter((o) => WORKLOADS.has(o.kind))) {
      const labels = w.spec.template.metadata.labels || {};
      const mine = policies.filter((p) => selects(p, labels) && (p.spec.policyTypes || []).includes('Ingress'));
      if (!mine.length) {
        problems.push(`${w.kind}/${w.metadata.name}: no NetworkPolicy limits who connects to its pods`);
        continue;
      }
      const portNames = new Set(podSpec(w).containers.flatMap((c) => (c.ports || []).map((p) => p.name)));
      const rules = mine.flatMap((p) => (p.spec.ingress || []).map((r) => [p, r]));
      for (const [p, r] of rules) {
        for (const port of r.ports || []) {
          if (typeof port.port === 'string' && !portNames.has(port.port)) problems.push(`NetworkPolicy/${p.metadata.name}: port ${port.port} is no container port of ${w.kind}/${w.metadata.name}`);
        }
      }
      const app = labels['app.kubernetes.io/name'];
      // The worker takes its work from RabbitMQ: nothing may connect to it, except a Prometheus in
      // a namespace named by a rule scraping its actuator port (components/monitoring).
      const scrape = (r) => (r.from || []).length > 0 && (r.from || []).every((f) => f.namespaceSelector && !f.podSelector && !f.ipBlock)
        && (r.ports || []).length > 0 && (r.ports || []).every((port) => port.port === 'http');
      const open = rules.filter(([, r]) => !scrape(r));
      if (app === 'worker' && open.length) problems.push(`the worker accepts connections (${open.map(([p]) => p.metadata.name).join(', ')}); it takes its work from RabbitMQ`);
      if (app === 'postgres' || app === 'rabbitmq') {
        for (const [p, r] of rules) {
          const from = r.from || [];
          if (!from.length) problems.push(`NetworkPolicy/${p.metadata.name}: ${app} open to every source`);
          for (const f of from) {
            const peer = ((f.podSelector || {}).matchLabels || {})['app.kubernetes.io/name'];
            if (f.ipBlock || (f.podSelector && !serviceNames.has(peer))) problems.push(`NetworkPolicy/${p.metadata.name}: ${app} open to ${JSON.stringify(f)}`);
          }
        }
      }
    }
    return problems.length ? problems : `${policies.length} policies`;
  });

  check('k8s', `${name}: every Ingress host served over TLS`, () => {
    const problems = [];
    for (const ing of byKind('Ingress')) {
      const covered = new Set((ing.spec.tls || []).filter((t) => t.secretName).flatMap((t) => t.hosts || []));
      for (const rule of ing.spec.rules || []) {
        if (!covered.has(rule.host)) problems.push(`Ingress/${ing.metadata.name} serves ${rule.host || 'every host'} without TLS (spec.tls with a secretName)`);
      }
    }
    return problems;
  });

  check('k8s', `${name}: every nginx Ingress streams server-sent events (no buffering, timeouts beyond the heartbeat)`, () => {
    const problems = [];
    const heartbeat = appSetting('gateway', 'taskhive.sse.heartbeat', {}, 'taskhive.sse', 'heartbeat', true).seconds;
    for (const ing of byKind('Ingress')) {
      if (ing.spec.ingressClassName && ing.spec.ingressClassName !== 'nginx') continue;
      const a = ing.metadata.annotations || {};
      const at = (k) => a[`nginx.ingress.kubernetes.io/${k}`];
      if (at('proxy-buffering') !== 'off') problems.push(`Ingress/${ing.metadata.name}: proxy-buffering must be "off", or events wait in nginx's buffer`);
      for (const k of ['proxy-read-timeout', 'proxy-send-timeout']) {
        const v = Number(at(k) || 60);
        if (!(v >= 4 * heartbeat)) problems.push(`Ingress/${ing.metadata.name}: ${k} ${v}s closes a stream quiet for less than 4 heartbeats (${heartbeat}s each)`);
      }
    }
    return problems;
  });

  check('k8s', `${name}: references resolve (Service selectors and ports, Ingress backends, PDBs, ConfigMap and Secret keys, namespaces)`, () => {
    const problems = [];
    const workloads = objects.filter((o) => WORKLOADS.has(o.kind));
    for (const o of objects) {
      if (o.kind !== 'Namespace' && o.metadata.namespace !== 'taskhive') problems.push(`${o.kind}/${o.metadata.name} is not in namespace taskhive`);
    }
    for (const svc of byKind('Service')) {
      const targets = workloads.filter((w) => labelsMatch(svc.spec.selector, podLabels(w)));
      if (targets.length === 0) problems.push(`Service ${svc.metadata.name} selects no pods`);
      for (const p of svc.spec.ports || []) {
        const tp = p.targetPort === undefined ? p.port : p.targetPort;
        for (const w of targets) {
          const ports = podSpec(w).containers.flatMap((c) => c.ports || []);
          if (!ports.some((cp) => cp.name === tp || cp.containerPort === tp)) problems.push(`Service ${svc.metadata.name} port ${p.name}: ${w.kind}/${w.metadata.name} has no container port ${tp}`);
        }
      }
    }
    for (const w of workloads) {
      const sel = w.spec.selector && w.spec.selector.matchLabels;
      if (sel && !labelsMatch(sel, podLabels(w))) problems.push(`${w.kind}/${w.metadata.name}: selector does not match its pod labels`);
      if (w.kind === 'StatefulSet' && !find('Service', w.spec.serviceName)) problems.push(`StatefulSet ${w.metadata.name}: serviceName ${w.spec.serviceName} does not exist`);
      const spec = podSpec(w);
      for (const c of [...(spec.initContainers || []), ...spec.containers]) {
        for (const e of c.env || []) {
          const vf = e.valueFrom || {};
          if (vf.configMapKeyRef) {
            const data = configMaps.get(vf.configMapKeyRef.name);
            if (!data) problems.push(`${w.metadata.name}/${c.name}: ConfigMap ${vf.configMapKeyRef.name} is not in the render`);
            else if (!(vf.configMapKeyRef.key in data) && !vf.configMapKeyRef.optional) problems.push(`${w.metadata.name}/${c.name}: ConfigMap ${vf.configMapKeyRef.name} has no key ${vf.configMapKeyRef.key}`);
          }
          if (vf.secretKeyRef) {
            if (vf.secretKeyRef.name !== 'taskhive-secrets') problems.push(`${w.metadata.name}/${c.name}: unknown Secret ${vf.secretKeyRef.name}`);
            else if (secretExample && !(vf.secretKeyRef.key in (secretExample.stringData || secretExample.data || {}))) problems.push(`${w.metadata.name}/${c.name}: key ${vf.secretKeyRef.key} is missing from k8s/secret.example.yaml`);
          }
        }
        for (const ef of c.envFrom || []) {
          if (ef.configMapRef && !configMaps.has(ef.configMapRef.name)) problems.push(`${w.metadata.name}/${c.name}: envFrom ConfigMap ${ef.configMapRef.name} is not in the render`);
          if (ef.secretRef) problems.push(`${w.metadata.name}/${c.name}: envFrom secretRef hands every key of a Secret to the container; name each variable instead`);
        }
        const volumes = new Set((spec.volumes || []).map((v) => v.name).concat((w.spec.volumeClaimTemplates || []).map((v) => v.metadata.name)));
        for (const m of c.volumeMounts || []) if (!volumes.has(m.name)) problems.push(`${w.metadata.name}/${c.name}: volume ${m.name} is not defined`);
        if (!c.resources || !c.resources.requests || !c.resources.limits || !c.resources.limits.memory) problems.push(`${w.metadata.name}/${c.name}: needs resource requests and a memory limit`);
      }
    }
    for (const ing of byKind('Ingress')) {
      for (const rule of ing.spec.rules || []) {
        for (const p of (rule.http || {}).paths || []) {
          const b = p.backend.service;
          const svc = find('Service', b.name);
          if (!svc) problems.push(`Ingress ${ing.metadata.name}: Service ${b.name} does not exist`);
          else if (!(svc.spec.ports || []).some((sp) => (b.port.name ? sp.name === b.port.name : sp.port === b.port.number))) problems.push(`Ingress ${ing.metadata.name}: Service ${b.name} has no port ${JSON.stringify(b.port)}`);
        }
      }
    }
    const cm = configMaps.get('taskhive-config') || {};
    for (const [key, host] of [['TASKHIVE_DB_URL', (/^jdbc:postgresql:\/\/([^:/]+)/.exec(cm.TASKHIVE_DB_URL || '') || [])[1]], ['TASKHIVE_RABBITMQ_HOST', cm.TASKHIVE_RABBITMQ_HOST]]) {
      const local = host && host.split('.')[0];
      const infra = key === 'TASKHIVE_DB_URL' ? 'postgres' : 'rabbitmq';
      if (find('StatefulSet', infra) && !find('Service', local)) problems.push(`taskhive-config ${key} names ${host}, which is no Service of this render`);
    }
    for (const pdb of byKind('PodDisruptionBudget')) {
      if (!workloads.some((w) => labelsMatch(pdb.spec.selector.matchLabels, podLabels(w)))) problems.push(`PodDisruptionBudget ${pdb.metadata.name} selects no pods`);
    }
    return problems;
  });

  check('k8s', `${name}: Deployments gateway (2 replicas unless autoscaled) and worker, images named after the modules`, () => {
    const problems = [];
    for (const [service, info] of Object.entries(MODULES)) {
      const d = find('Deployment', service);
      if (!d) {
        problems.push(`no Deployment named ${service}`);
        continue;
      }
      const images = podSpec(d).containers.map((c) => c.image);
      if (!images.some((i) => imageName(i) === info.image)) problems.push(`Deployment ${service} does not run ${info.image} (${images.join(', ')})`);
      if (!exists(`${info.module}/pom.xml`) || !read(`${info.module}/pom.xml`).includes(`<artifactId>${info.module}</artifactId>`)) problems.push(`${info.image}: there is no Maven module ${info.module}`);
    }
    for (const w of objects.filter((o) => WORKLOADS.has(o.kind))) {
      for (const c of podSpec(w).containers) {
        if (/^taskhive\//.test(imageName(c.image)) && !Object.values(MODULES).some((m) => m.image === imageName(c.image))) problems.push(`${w.metadata.name}: image ${c.image} is not named after a module`);
      }
    }
    const gw = find('Deployment', 'gateway');
    if (gw && gw.spec.replicas !== 2) problems.push(`Deployment gateway has ${gw.spec.replicas} replicas, expected 2`);
    return problems;
  });

  check('k8s', `${name}: gateway and worker pods: probes on ${PROBES.liveness}|readiness at the actuator's port (no Service routes the gateway's), grace period beyond preStop + drain + shutdown phase, hardened`, () => {
    const problems = [];
    for (const service of Object.keys(MODULES)) {
      const d = find('Deployment', service);
      if (!d) continue;
      const spec = podSpec(d);
      const c = spec.containers[0];
      const http = appHttpPort(service);
      const envValue = (c.env || []).find((e) => e.name === http.variable);
      const port = envValue && envValue.value !== undefined ? Number(envValue.value) : http.default;
      const httpPort = (c.ports || []).find((p) => p.name === 'http');
      if (!httpPort || httpPort.containerPort !== port) problems.push(`${service}: container port "http" must be ${port} (${http.variable})`);
      const actuator = appActuatorPort(service);
      const actuatorEnv = (c.env || []).find((e) => e.name === actuator.variable);
      const actuatorPort = actuatorEnv && actuatorEnv.value !== undefined ? Number(actuatorEnv.value) : actuator.default;
      const actuatorContainerPort = (c.ports || []).find((p) => p.name === actuator.name);
      if (!actuatorContainerPort || actuatorContainerPort.containerPort !== actuatorPort) problems.push(`${service}: container port "${actuator.name}" must be ${actuatorPort} (${actuator.variable})`);
      if (actuator.name !== 'http') {
        for (const svc of objects.filter((o) => o.kind === 'Service' && labelsMatch(o.spec.selector, d.spec.template.metadata.labels))) {
          for (const sp of svc.spec.ports || []) {
            if (sp.targetPort === actuator.name || Number(sp.targetPort) === actuatorPort) problems.push(`Service ${svc.metadata.name} routes the ${service}'s actuator port (${actuator.name}): health and metrics would be reachable through it`);
          }
        }
      }
      for (const [probe, expected] of [['startupProbe', PROBES.liveness], ['livenessProbe', PROBES.liveness], ['readinessProbe', PROBES.readiness]]) {
        const p = c[probe];
        if (!p || !p.httpGet) {
          problems.push(`${service}: no ${probe} (httpGet)`);
          continue;
        }
        if (p.httpGet.path !== expected) problems.push(`${service}: ${probe} path ${p.httpGet.path}, expected ${expected}`);
        if (!(p.httpGet.port === actuator.name || p.httpGet.port === actuatorPort)) problems.push(`${service}: ${probe} port ${p.httpGet.port} is not the actuator's port ${actuatorPort} (${actuator.name})`);
      }
      const annotations = d.spec.template.metadata.annotations || {};
      if (annotations['prometheus.io/path'] && annotations['prometheus.io/path'] !== PROMETHEUS_PATH) problems.push(`${service}: prometheus.io/path is not ${PROMETHEUS_PATH}`);
      if (annotations['prometheus.io/port'] && Number(annotations['prometheus.io/port']) !== actuatorPort) problems.push(`${service}: prometheus.io/port is not ${actuatorPort}`);
      const shutdown = shutdownSeconds(service);
      let preStop = 0;
      const ps = c.lifecycle && c.lifecycle.preStop;
      if (ps && ps.exec && ps.exec.command[0] === 'sleep') preStop = Number(ps.exec.command[1]);
      if (ps && ps.sleep) preStop = ps.sleep.seconds;
      const grace = spec.terminationGracePeriodSeconds === undefined ? 30 : spec.terminationGracePeriodSeconds;
      // The kubelet's countdown covers preStop, then what the service does before Spring's
      // graceful phase (the gateway drains its TCP listener, the worker its running tasks).
      const pre = preShutdown(service, containerEnv(c));
      problems.push(...pre.problems);
      const total = preStop + pre.seconds + shutdown;
      if (!(grace > total)) problems.push(`${service}: terminationGracePeriodSeconds ${grace} must exceed preStop ${preStop}s + ${pre.text} + timeout-per-shutdown-phase ${shutdown}s = ${total}s`);
      if (service === 'worker' && !pre.setting.fromEnv) problems.push(`worker: set ${pre.setting.variable} explicitly: terminationGracePeriodSeconds depends on it (now the code's default ${pre.setting.value}, ${pre.setting.source})`);
      const psc = spec.securityContext || {};
      const csc = c.securityContext || {};
      if (psc.runAsNonRoot !== true && csc.runAsNonRoot !== true) problems.push(`${service}: runAsNonRoot is not true`);
      if (csc.readOnlyRootFilesystem !== true) problems.push(`${service}: readOnlyRootFilesystem is not true`);
      if (csc.allowPrivilegeEscalation !== false) problems.push(`${service}: allowPrivilegeEscalation is not false`);
      const tmp = (c.volumeMounts || []).find((m) => m.mountPath === '/tmp');
      const tmpVolume = tmp && (spec.volumes || []).find((v) => v.name === tmp.name);
      if (!tmpVolume || !tmpVolume.emptyDir) problems.push(`${service}: /tmp must be a writable emptyDir (Spring Boot and Tomcat write there)`);
      if (spec.enableServiceLinks !== false) problems.push(`${service}: enableServiceLinks must be false (Service environment variables could shadow settings)`);
    }
    return problems;
  });

  check('k8s', `${name}: environment variables are ones the applications read; secrets come from the Secret`, () => {
    const problems = [];
    const pending = new Set();
    for (const service of Object.keys(MODULES)) {
      const d = find('Deployment', service);
      if (!d) continue;
      for (const c of podSpec(d).containers) {
        const names = (c.env || []).map((e) => e.name);
        for (const ef of c.envFrom || []) if (ef.configMapRef) names.push(...Object.keys(configMaps.get(ef.configMapRef.name) || {}));
        const r = checkEnvNames(service, names, `Deployment ${service}`);
        problems.push(...r.problems);
        r.pending.forEach((p) => pending.add(p));
        for (const e of c.env || []) {
          if (/PASSWORD|SECRET/.test(e.name) && !(e.valueFrom && e.valueFrom.secretKeyRef)) problems.push(`Deployment ${service}: ${e.name} must come from a secretKeyRef`);
        }
        for (const ef of c.envFrom || []) {
          for (const k of Object.keys(configMaps.get((ef.configMapRef || {}).name) || {})) if (/PASSWORD|SECRET/.test(k)) problems.push(`ConfigMap ${ef.configMapRef.name}: ${k} belongs in the Secret`);
        }
      }
      if (service === 'gateway' && !podSpec(d).containers[0].env.some((e) => e.name === 'TASKHIVE_JWT_SECRET')) problems.push('the gateway gets no TASKHIVE_JWT_SECRET');
    }
    return problems.length ? problems : (pending.size ? `pending, not read by the code yet: ${[...pending].sort().join(', ')}` : '');
  });

  check('k8s', `${name}: PostgreSQL max_connections covers every replica's pool at the autoscaling maximum`, () => {
    const pg = find('StatefulSet', 'postgres');
    if (!pg) return 'no PostgreSQL in this render';
    const c = podSpec(pg).containers[0];
    const max = maxConnections([...(c.command || []), ...(c.args || [])]);
    const cm = configMaps.get('taskhive-config') || {};
    const replicas = {};
    for (const service of Object.keys(MODULES)) {
      const d = find('Deployment', service);
      const hpa = byKind('HorizontalPodAutoscaler').find((h) => h.spec.scaleTargetRef.name === service);
      const so = byKind('ScaledObject').find((x) => x.spec.scaleTargetRef.name === service);
      replicas[service] = hpa ? hpa.spec.maxReplicas : so ? (so.spec.maxReplicaCount || 100) : (d ? d.spec.replicas || 1 : 0);
    }
    const pools = Object.keys(MODULES).map((s2) => Number(cm.TASKHIVE_DB_POOL_SIZE || appPoolSize(s2)));
    // + one surge pod per Deployment during a rollout, + PostgreSQL's 3 reserved connections
    const need = Object.keys(MODULES).reduce((sum, s2, i) => sum + (replicas[s2] + 1) * pools[i], 0) + 3;
    if (need > max) return [`up to ${need} connections (${JSON.stringify(replicas)} replicas + 1 surge each, pool ${pools.join('/')}), max_connections ${max}`];
    return `${need} of ${max}`;
  });

  check('k8s', `${name}: TCP port ${TCP_PORT_DEFAULT} exposed end to end (container port, TASKHIVE_TCP_PORT, LoadBalancer/NodePort Service)`, () => {
    const d = find('Deployment', 'gateway');
    if (!d) return ['no gateway Deployment'];
    const c = podSpec(d).containers[0];
    const problems = [];
    const tcp = (c.ports || []).find((p) => p.name === 'tcp');
    if (!tcp || tcp.containerPort !== TCP_PORT_DEFAULT) problems.push(`the gateway has no container port "tcp" ${TCP_PORT_DEFAULT}`);
    const env = (c.env || []).find((e) => e.name === 'TASKHIVE_TCP_PORT');
    if (env && Number(env.value) !== TCP_PORT_DEFAULT) problems.push(`TASKHIVE_TCP_PORT is ${env.value}, the container port is ${TCP_PORT_DEFAULT}`);
    const services = byKind('Service').filter((s) => ['LoadBalancer', 'NodePort'].includes(s.spec.type) && labelsMatch(s.spec.selector, podLabels(d)));
    if (!services.some((s) => s.spec.ports.some((p) => p.port === TCP_PORT_DEFAULT && (p.targetPort === 'tcp' || p.targetPort === TCP_PORT_DEFAULT)))) problems.push(`no LoadBalancer or NodePort Service publishes port ${TCP_PORT_DEFAULT} of the gateway`);
    return problems;
  });

  check('k8s', `${name}: worker autoscaling: at most one autoscaler, owning the replica count; KEDA watches the work queue, one worker per max-in-flight tasks`, () => {
    const problems = [];
    const worker = find('Deployment', 'worker');
    const hpas = byKind('HorizontalPodAutoscaler').filter((h) => h.spec.scaleTargetRef.kind === 'Deployment' && h.spec.scaleTargetRef.name === 'worker');
    const scaled = byKind('ScaledObject').filter((s) => (s.spec.scaleTargetRef.kind || 'Deployment') === 'Deployment' && s.spec.scaleTargetRef.name === 'worker');
    for (const so of byKind('ScaledObject')) {
      const ref = so.spec.scaleTargetRef;
      if (!find(ref.kind || 'Deployment', ref.name)) problems.push(`ScaledObject ${so.metadata.name}: target ${ref.name} does not exist`);
    }
    for (const h of byKind('HorizontalPodAutoscaler')) {
      if (!find(h.spec.scaleTargetRef.kind, h.spec.scaleTargetRef.name)) problems.push(`HPA ${h.metadata.name}: target does not exist`);
    }
    if (hpas.length + scaled.length > 1) problems.push(`the worker has ${hpas.length} HPA(s) and ${scaled.length} ScaledObject(s): they would fight over its replicas`);
    if (hpas.length + scaled.length === 1 && worker && worker.spec.replicas !== undefined) problems.push('an autoscaled worker Deployment must not set spec.replicas (every apply would reset it)');
    if (hpas.length + scaled.length === 0 && worker && !(worker.spec.replicas >= 1)) problems.push('the worker Deployment without autoscaler needs spec.replicas');
    const cm = configMaps.get('taskhive-config') || {};
    const queue = `${cm.TASKHIVE_MESSAGING_NAMESPACE || 'taskhive'}${taskQueueSuffix || '.tasks'}`;
    const vhost = cm.TASKHIVE_RABBITMQ_VHOST || '/';
    for (const so of scaled) {
      if (!(so.spec.minReplicaCount >= 1)) problems.push(`ScaledObject ${so.metadata.name}: minReplicaCount must be at least 1 (no worker would start the queue)`);
      const triggers = so.spec.triggers.filter((t) => t.type === 'rabbitmq');
      if (triggers.length === 0) problems.push(`ScaledObject ${so.metadata.name}: no rabbitmq trigger`);
      for (const t of triggers) {
        const m = t.metadata || {};
        if (m.queueName !== queue) problems.push(`rabbitmq trigger queueName ${m.queueName}, the work queue is ${queue}`);
        if (m.mode !== 'QueueLength') problems.push(`rabbitmq trigger mode ${m.mode}, expected QueueLength`);
        if (!/^\d+(\.\d+)?$/.test(String(m.value)) || Number(m.value) <= 0) problems.push(`rabbitmq trigger value ${m.value} must be a positive number`);
        else if (worker && m.mode === 'QueueLength') {
          // The queue length counts unacknowledged messages too, and each worker holds up to
          // max-in-flight of them: a target below that adds workers while others have free room.
          const mif = appSetting('worker', 'taskhive.worker.max-in-flight', containerEnv(podSpec(worker).containers[0]));
          if (Number(m.value) !== Number(mif.value)) problems.push(`rabbitmq trigger value ${m.value} must equal the worker's ${mif.variable} ${mif.value}${mif.fromEnv ? '' : ` (${mif.source})`}: the queue length counts the messages each worker holds`);
        }
        if (!['amqp', 'http', 'auto', undefined].includes(m.protocol)) problems.push(`rabbitmq trigger protocol ${m.protocol}`);
        if ((m.vhostName || '/') !== vhost) problems.push(`rabbitmq trigger vhostName ${m.vhostName}, the services use ${vhost}`);
        if (!m.host && !m.hostFromEnv) {
          const auth = t.authenticationRef && find(t.authenticationRef.kind || 'TriggerAuthentication', t.authenticationRef.name);
          if (!auth) problems.push('rabbitmq trigger: no host and no TriggerAuthentication');
          else {
            const refs = auth.spec.secretTargetRef || [];
            if (!refs.some((r) => r.parameter === 'host')) problems.push(`TriggerAuthentication ${auth.metadata.name}: no "host" parameter`);
            for (const r of refs) {
              if (secretExample && !(r.key in (secretExample.stringData || {}))) problems.push(`TriggerAuthentication ${auth.metadata.name}: key ${r.key} missing from k8s/secret.example.yaml`);
            }
          }
        }
      }
    }
    return problems;
  });
}

check('k8s', 'every component is rendered by some overlay', () => {
  const componentsDir = path.join(k8sDir, 'components');
  if (!fs.existsSync(componentsDir)) return [];
  const used = new Set();
  for (const dir of kustomizations) {
    const k = YAML.parse(fs.readFileSync(findKustomizationFile(dir), 'utf8'));
    for (const c of k.components || []) used.add(path.resolve(dir, c));
  }
  return fs.readdirSync(componentsDir).filter((d) => !used.has(path.join(componentsDir, d))).map((d) => `components/${d} is in no overlay, so it is never validated`);
});

check('k8s', 'the base and the KEDA and HPA overlays exist; no render carries both autoscalers', () => {
  const problems = [];
  for (const need of ['k8s', 'k8s/overlays/keda', 'k8s/overlays/hpa']) if (!renders[need]) problems.push(`${need} was not rendered`);
  if (renders['k8s/overlays/keda'] && !renders['k8s/overlays/keda'].some((o) => o.kind === 'ScaledObject')) problems.push('overlays/keda has no ScaledObject');
  if (renders['k8s/overlays/hpa'] && !renders['k8s/overlays/hpa'].some((o) => o.kind === 'HorizontalPodAutoscaler')) problems.push('overlays/hpa has no HorizontalPodAutoscaler');
  return problems;
});

// ---- Docker Compose ---------------------------------------------------------------------------

function normalisePorts(ports) {
  return (ports || []).map((p) => {
    if (typeof p === 'object') return { hostIp: p.host_ip || '', published: p.published === undefined ? null : Number(p.published), target: Number(p.target) };
    const s = String(p).replace(/\/(tcp|udp)$/, '');
    const parts = s.split(':');
    if (parts.length === 3) return { hostIp: parts[0], published: Number(parts[1]), target: Number(parts[2]) };
    if (parts.length === 2) return { hostIp: '', published: Number(parts[0]), target: Number(parts[1]) };
    return { hostIp: '', published: null, target: Number(parts[0]) };
  });
}

function envOf(service) {
  const env = service.environment || {};
  if (Array.isArray(env)) return Object.fromEntries(env.map((e) => [e.split('=')[0], e.split('=').slice(1).join('=')]));
  return env;
}

function healthTest(service) {
  const t = (service.healthcheck || {}).test;
  return Array.isArray(t) ? t.join(' ') : String(t || '');
}

let compose = null;
if (args.composeConfig) {
  check('compose', 'resolved configuration (docker-compose config) readable', () => {
    compose = YAML.parse(fs.readFileSync(args.composeConfig, 'utf8'));
    return `${Object.keys(compose.services).length} services`;
  });
}

if (compose) {
  const services = compose.services;
  const byImage = (img) => Object.entries(services).filter(([, s]) => s.image && imageName(s.image) === img);

  check('compose', 'one scalable service per module, built from its Dockerfile stage; no fixed gateway names', () => {
    const problems = [];
    for (const [service, info] of Object.entries(MODULES)) {
      const found = byImage(info.image);
      if (found.length !== 1) problems.push(`expected one service running ${info.image} (scaled with --scale), found ${found.length}`);
      for (const [n, s] of found) {
        const dockerfile = (s.build && s.build.dockerfile) || DOCKERFILE;
        if (!s.build) problems.push(`${n}: no build`);
        else if (path.resolve(ROOT, s.build.context || '.', dockerfile) !== path.join(ROOT, DOCKERFILE)) problems.push(`${n}: builds ${dockerfile}, not ${DOCKERFILE}`);
        if (s.build && s.build.target !== info.target) problems.push(`${n}: build.target is ${s.build.target}, the ${DOCKERFILE} stage of ${info.module} is ${info.target}`);
        if (s.build && path.resolve(ROOT, s.build.context) !== ROOT) problems.push(`${n}: the build context must be the repository root`);
        if (s.container_name) problems.push(`${n}: container_name prevents --scale`);
        if ((s.ports || []).length) problems.push(`${n}: host ports prevent --scale`);
        const replicas = Number((s.deploy || {}).replicas);
        if (!(replicas >= (service === 'gateway' ? 2 : 1))) problems.push(`${n}: deploy.replicas ${replicas}, want at least ${service === 'gateway' ? 2 : 1}`);
      }
    }
    for (const [n, s] of Object.entries(services)) {
      if (s.image && /^taskhive\//.test(imageName(s.image)) && !Object.values(MODULES).some((m) => m.image === imageName(s.image))) problems.push(`${n}: image ${s.image} is not named after a module`);
    }
    const k8sTag = renders.k8s && renders.k8s.filter((o) => o.kind === 'Deployment').map((d) => imageTag(podSpec(d).containers[0].image));
    const composeTags = [...byImage(MODULES.gateway.image), ...byImage(MODULES.worker.image)].map(([, s]) => imageTag(s.image));
    if (k8sTag && new Set([...k8sTag, ...composeTags]).size !== 1) problems.push(`image tags differ between k8s (${k8sTag.join(', ')}) and compose (${composeTags.join(', ')})`);
    return problems;
  });

  check('compose', 'only HAProxy publishes the API ports; everything else is bound to 127.0.0.1', () => {
    const problems = [];
    const haproxy = services.haproxy;
    if (!haproxy) return ['no haproxy service'];
    const hp = normalisePorts(haproxy.ports);
    for (const target of [8080, TCP_PORT_DEFAULT]) if (!hp.some((p) => p.target === target && p.published)) problems.push(`haproxy does not publish container port ${target}`);
    for (const [n, s] of Object.entries(services)) {
      for (const p of normalisePorts(s.ports)) {
        const isApi = n === 'haproxy' && (p.target === 8080 || p.target === TCP_PORT_DEFAULT);
        if (!isApi && p.hostIp !== '127.0.0.1') problems.push(`${n} publishes ${p.target} on all interfaces`);
      }
      if ([MODULES.gateway.image, MODULES.worker.image].includes(imageName(s.image || '')) && (s.ports || []).length) problems.push(`${n} publishes ports; only haproxy may`);
    }
    const vol = (haproxy.volumes || []).map((v) => (typeof v === 'string' ? v : `${v.source}:${v.target}`));
    if (!vol.some((v) => v.includes('deploy/haproxy/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg'))) problems.push('haproxy does not mount deploy/haproxy/haproxy.cfg');
    return problems;
  });

  check('compose', 'health checks and depends_on conditions; stop_grace_period beyond drain + shutdown phase; named volumes for the data', () => {
    const problems = [];
    for (const [n, s] of Object.entries(services)) {
      const oneShot = s.restart === 'no';
      if (!oneShot && !s.healthcheck) problems.push(`${n} has no healthcheck`);
      for (const [dep, cond] of Object.entries(s.depends_on || {})) {
        const want = services[dep] && services[dep].restart === 'no' ? 'service_completed_successfully' : 'service_healthy';
        if (!cond || cond.condition !== want) problems.push(`${n} depends on ${dep} without condition ${want}`);
      }
    }
    for (const [service, info] of Object.entries(MODULES)) {
      for (const [n, s] of byImage(info.image)) {
        for (const dep of ['postgres', 'rabbitmq']) if (!(s.depends_on || {})[dep]) problems.push(`${n} does not wait for ${dep}`);
        const actuator = appActuatorPort(service);
        const port = Number(envOf(s)[actuator.variable] || actuator.default);
        if (!healthTest(s).includes(`:${port}${PROBES.readiness}`)) problems.push(`${n}: the healthcheck does not ask ${PROBES.readiness} on the actuator's port ${port} (${actuator.variable})`);
        const grace = seconds(s.stop_grace_period || '10s');
        const pre = preShutdown(service, envOf(s));
        problems.push(...pre.problems.map((p) => `${n}: ${p}`));
        const total = pre.seconds + shutdownSeconds(service);
        if (!(grace > total)) problems.push(`${n}: stop_grace_period ${s.stop_grace_period || '10s'} must exceed ${pre.text} + timeout-per-shutdown-phase ${shutdownSeconds(service)}s = ${total}s`);
        if (service === 'worker' && !pre.setting.fromEnv) problems.push(`${n}: set ${pre.setting.variable} explicitly: stop_grace_period depends on it`);
      }
    }
    const named = new Set(Object.keys(compose.volumes || {}));
    for (const n of ['postgres', 'rabbitmq']) {
      const vols = (services[n] || {}).volumes || [];
      if (!services[n]) problems.push(`no ${n} service`);
      else if (!vols.some((v) => named.has(typeof v === 'string' ? v.split(':')[0] : v.source))) problems.push(`${n} keeps its data in no named volume`);
    }
    if (services.rabbitmq && !/management/.test(services.rabbitmq.image)) problems.push('rabbitmq image without the management plugin');
    return problems;
  });

  check('compose', 'environment variables are ones the applications read; the gateway gets TASKHIVE_JWT_SECRET', () => {
    const problems = [];
    const pending = new Set();
    for (const [service, info] of Object.entries(MODULES)) {
      for (const [n, s] of byImage(info.image)) {
        const env = envOf(s);
        const r = checkEnvNames(service, Object.keys(env), n);
        problems.push(...r.problems);
        r.pending.forEach((p) => pending.add(p));
        if (service === 'gateway' && !env.TASKHIVE_JWT_SECRET) problems.push(`${n}: no TASKHIVE_JWT_SECRET`);
        if (env.TASKHIVE_RABBITMQ_HOST && !services[env.TASKHIVE_RABBITMQ_HOST]) problems.push(`${n}: TASKHIVE_RABBITMQ_HOST ${env.TASKHIVE_RABBITMQ_HOST} is no service`);
        const db = /^jdbc:postgresql:\/\/([^:/]+)/.exec(env.TASKHIVE_DB_URL || '');
        if (!db || !services[db[1]]) problems.push(`${n}: TASKHIVE_DB_URL does not name a compose service`);
      }
    }
    return problems.length ? problems : (pending.size ? `pending, not read by the code yet: ${[...pending].sort().join(', ')}` : '');
  });

  check('compose', 'PostgreSQL max_connections covers the configured gateways and workers', () => {
    const pg = services.postgres;
    if (!pg) return ['no postgres service'];
    const cmd = Array.isArray(pg.command) ? pg.command : String(pg.command || '').split(/\s+/);
    const max = maxConnections(cmd);
    let need = 3;
    for (const [service, info] of Object.entries(MODULES)) {
      for (const [, s2] of byImage(info.image)) {
        const pool = Number(envOf(s2).TASKHIVE_DB_POOL_SIZE || appPoolSize(service));
        need += pool * Number((s2.deploy || {}).replicas || 1);
      }
    }
    return need > max ? [`up to ${need} connections, max_connections ${max}`] : `${need} of ${max}`;
  });

  check('compose', `TCP port ${TCP_PORT_DEFAULT} exposed end to end (gateway TASKHIVE_TCP_PORT and expose, HAProxy backend port)`, () => {
    const problems = [];
    const hEnv = envOf(services.haproxy || {});
    for (const [n, s] of byImage(MODULES.gateway.image)) {
      const env = envOf(s);
      const tcp = Number(env.TASKHIVE_TCP_PORT || TCP_PORT_DEFAULT);
      if (tcp !== TCP_PORT_DEFAULT) problems.push(`${n}: TASKHIVE_TCP_PORT ${tcp}`);
      if (!(s.expose || []).map((e) => Number(String(e).split('/')[0])).includes(tcp)) problems.push(`${n}: does not expose ${tcp}`);
      // haproxy.cfg finds the replicas by the service name (GATEWAY_HOST) on these ports.
      if (hEnv.GATEWAY_HOST && hEnv.GATEWAY_HOST !== n) problems.push(`haproxy GATEWAY_HOST is ${hEnv.GATEWAY_HOST}, the service is ${n}`);
      if (hEnv.GATEWAY_TCP_PORT && Number(hEnv.GATEWAY_TCP_PORT) !== tcp) problems.push(`haproxy GATEWAY_TCP_PORT differs from ${n}'s TCP port`);
      const http = Number(env.TASKHIVE_HTTP_PORT || appHttpPort('gateway').default);
      if (hEnv.GATEWAY_HTTP_PORT && Number(hEnv.GATEWAY_HTTP_PORT) !== http) problems.push(`haproxy GATEWAY_HTTP_PORT differs from ${n}'s HTTP port`);
    }
    for (const k of Object.keys(hEnv)) if (/^GATEWAY\d+_/.test(k)) problems.push(`haproxy ${k}: fixed gateways; Compose runs one scalable gateway service`);
    return problems;
  });
}

check('compose', '.env.example defines every variable docker-compose.yml uses, with placeholder secrets; .env is ignored by git', () => {
  const problems = [];
  const composeText = read('docker-compose.yml');
  const used = new Set([...composeText.replace(/\$\$/g, '').matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]));
  const defined = new Map();
  for (const line of read('.env.example').split('\n')) {
    const m = line.match(/^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/);
    if (m) defined.set(m[1], m[2]);
  }
  for (const v of used) if (!defined.has(v)) problems.push(`${v} is used by docker-compose.yml but not in .env.example`);
  for (const v of defined.keys()) if (!used.has(v)) problems.push(`${v} is in .env.example but docker-compose.yml does not use it`);
  for (const [k, v] of defined) if (/PASSWORD|SECRET/.test(k) && !v.startsWith('change-me')) problems.push(`.env.example ${k} must be a change-me placeholder`);
  if (defined.has('TASKHIVE_JWT_SECRET') && Buffer.byteLength(defined.get('TASKHIVE_JWT_SECRET')) >= 32) problems.push('the TASKHIVE_JWT_SECRET placeholder must stay shorter than 32 bytes so the gateway refuses it');
  if (!read('.gitignore').split('\n').map((l) => l.trim()).includes('.env')) problems.push('.gitignore does not ignore .env');
  if (/^\s*(container_name|version)\s*:/m.test(composeText.replace(/^\s*#.*$/gm, ''))) problems.push('docker-compose.yml uses container_name or the obsolete version key');
  return problems;
});

// ---- image versions ---------------------------------------------------------------------------

check('images', 'every image pinned to a release (no :latest); Compose runs the HAProxy major.minor that validates haproxy.cfg', () => {
  const problems = new Set();
  const images = [];
  if (compose) for (const [n, svc] of Object.entries(compose.services)) if (svc.image) images.push([`docker-compose.yml ${n}`, svc.image]);
  for (const objects of Object.values(renders)) {
    for (const w of objects.filter((o) => WORKLOADS.has(o.kind))) {
      for (const c of [...(podSpec(w).initContainers || []), ...podSpec(w).containers]) images.push([`k8s ${w.kind}/${w.metadata.name}`, c.image]);
    }
  }
  for (const [where, image] of images) {
    const tag = imageTag(image);
    if (!String(image).includes('@') && (tag === '' || tag === 'latest')) problems.add(`${where}: ${image} is not pinned to a release`);
  }
  const haproxy = compose && compose.services.haproxy;
  if (haproxy) {
    let version = null;
    try {
      version = (execFileSync('haproxy', ['-v'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).match(/version (\d+\.\d+)/) || [])[1];
    } catch (e) {
      version = null;
    }
    const tag = imageTag(haproxy.image);
    if (!version) problems.add('haproxy -v did not run: cannot compare the image with the validating HAProxy');
    else if (!new RegExp(`^${version.replace('.', '\\.')}([.-]|$)`).test(tag)) problems.add(`compose haproxy runs ${haproxy.image}, but haproxy.cfg is validated with HAProxy ${version}: use haproxy:${version}-alpine (or validate with that version)`);
  }
  return [...problems];
});

// ---- HAProxy ----------------------------------------------------------------------------------

/** A HAProxy argument as its configuration parser reads it: quotes removed, escapes resolved. */
function haproxyArg(text) {
  const escapes = { r: '\r', n: '\n', t: '\t', '\\': '\\', ' ': ' ', '#': '#', '"': '"', "'": "'", $: '$' };
  let out = '';
  let quote = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote === "'") {
      if (c === "'") quote = null;
      else out += c;
    } else if (c === '\\' && i + 1 < text.length) {
      const n = text[i + 1];
      if (n === 'x' && /^[0-9a-f]{2}$/i.test(text.slice(i + 2, i + 4))) {
        out += String.fromCharCode(parseInt(text.slice(i + 2, i + 4), 16));
        i += 3;
      } else if (escapes[n] !== undefined) {
        out += escapes[n];
        i += 1;
      } else out += c; // HAProxy keeps the backslash of an unknown escape (regex \. for instance)
    } else if (c === '"') quote = quote ? null : '"';
    else if (c === "'" && !quote) quote = "'";
    else out += c;
  }
  return out;
}

/**
 * haproxy.cfg's lines as HAProxy reads them with the environment env: its conditional blocks
 * (.if/.elif/.else/.endif) resolved. Only the predicate the file uses, defined(VAR), is understood.
 */
function haproxyLines(text, env) {
  const out = [];
  const stack = []; // per open block: is this branch read, was some branch of the block read
  const active = () => stack.every((b) => b.active);
  const predicate = (cond) => {
    const m = cond.trim().match(/^(!?)defined\((\w+)\)$/);
    if (!m) throw new Error(`haproxy.cfg: condition ${cond.trim()} is not understood by this check (only defined(VAR))`);
    return (env[m[2]] !== undefined) !== (m[1] === '!');
  };
  for (const raw of text.split('\n')) {
    const d = raw.trim().match(/^\.(if|elif|else|endif)\b(.*)$/);
    if (!d) {
      if (active()) out.push(raw);
    } else if (d[1] === 'if') {
      const v = predicate(d[2]);
      stack.push({ active: v, taken: v });
    } else if (!stack.length) {
      throw new Error(`haproxy.cfg: .${d[1]} without .if`);
    } else if (d[1] === 'elif') {
      const b = stack[stack.length - 1];
      b.active = !b.taken && predicate(d[2]);
      b.taken = b.taken || b.active;
    } else if (d[1] === 'else') {
      const b = stack[stack.length - 1];
      b.active = !b.taken;
      b.taken = true;
    } else stack.pop();
  }
  if (stack.length) throw new Error('haproxy.cfg: .if without .endif');
  return out;
}

// The two ways haproxy.cfg finds the gateways (see its header): Compose (one service, its replicas
// from Docker's DNS) and two fixed gateways on local ports (LoadBalancedGatewaysIT).
const HAPROXY_MODES = [
  ['Compose: the gateway service\'s replicas', null],
  ['fixed gateways on local ports', {
    GATEWAY1_HOST: '127.0.0.1', GATEWAY1_HTTP_PORT: '18081', GATEWAY1_TCP_PORT: '15001', GATEWAY1_MANAGEMENT_PORT: '18091',
    GATEWAY2_HOST: '127.0.0.1', GATEWAY2_HTTP_PORT: '18082', GATEWAY2_TCP_PORT: '15002', GATEWAY2_MANAGEMENT_PORT: '18092' }],
];

for (const [label, fixedEnv] of HAPROXY_MODES) check('haproxy', `deploy/haproxy/haproxy.cfg (${label}): HTTP :8080 and TCP :5000 frontends, readiness checks (and a ping on the TCP port), overridable servers, long timeouts`, () => {
  const problems = [];
  const sections = [];
  const composeHaproxy = compose && compose.services.haproxy;
  const env = fixedEnv || (composeHaproxy ? envOf(composeHaproxy) : {});
  const composeGateway = compose && Object.values(compose.services).find((x) => x.image && imageName(x.image) === MODULES.gateway.image);
  const gatewayEnv = composeGateway ? envOf(composeGateway) : {};
  for (const raw of haproxyLines(read('deploy/haproxy/haproxy.cfg'), env)) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!line) continue;
    const m = line.match(/^(global|defaults|frontend|backend|listen|resolvers|peers|userlist)\b\s*(\S*)/);
    if (m && !/^\s/.test(raw)) sections.push({ type: m[1], name: m[2], lines: [] });
    else if (sections.length) sections[sections.length - 1].lines.push(line);
  }
  const get = (s, key) => s.lines.filter((l) => l.startsWith(`${key} `) || l === key);
  const defaults = sections.find((s) => s.type === 'defaults') || { lines: [] };
  const envDefault = (text) => text.replace(/"?\$\{(\w+)-([^}]*)\}"?/g, '$2').replace(/"/g, '');
  const bindPort = (s) => get(s, 'bind').map((b) => Number(envDefault(b.split(/\s+/)[1]).split(':').pop()));
  const mode = (s) => (get(s, 'mode')[0] || (get(defaults, 'mode')[0] || 'mode tcp')).split(/\s+/)[1];
  const timeout = (s, name) => {
    const l = get(s, `timeout ${name}`)[0] || get(defaults, `timeout ${name}`)[0];
    return l ? seconds(l.split(/\s+/)[2]) : 0;
  };
  const frontends = sections.filter((s) => s.type === 'frontend');
  const backends = sections.filter((s) => s.type === 'backend');
  const backendOf = (f) => backends.find((b) => b.name === (get(f, 'default_backend')[0] || '').split(/\s+/)[1]);
  const httpPort = appHttpPort('gateway').default;
  const managementPort = appActuatorPort('gateway').default;
  const checkBackend = (label, f, wantMode, serverPort) => {
    if (!f) {
      problems.push(`no ${wantMode} frontend binding ${label}`);
      return;
    }
    const b = backendOf(f);
    if (!b) {
      problems.push(`frontend ${f.name} has no default_backend`);
      return;
    }
    if (mode(b) !== wantMode) problems.push(`backend ${b.name} is not mode ${wantMode}`);
    if (wantMode === 'http') {
      if (!get(b, 'option httpchk').length) problems.push(`backend ${b.name} has no option httpchk`);
      if (!get(b, 'http-check send').some((l) => l.includes(`uri ${PROBES.readiness}`))) problems.push(`backend ${b.name} does not check ${PROBES.readiness}`);
    }
    // A server-template line ("server-template gw 10 ADDRESS ...") is its slots' common server line.
    const templates = get(b, 'server-template');
    const servers = [...get(b, 'server'), ...templates.map((t) => t.replace(/^server-template\s+(\S+)\s+\S+/, 'server $1'))];
    if (fixedEnv && (get(b, 'server').length !== 2 || templates.length)) problems.push(`backend ${b.name}: expected the 2 fixed gateways as servers`);
    if (!fixedEnv) {
      const gw = compose && Object.entries(compose.services).find(([, x]) => x.image && imageName(x.image) === MODULES.gateway.image);
      const want = Math.max(gw ? Number((gw[1].deploy || {}).replicas || 1) : 2, 3);
      if (templates.length !== 1 || get(b, 'server').length) problems.push(`backend ${b.name}: expected one server-template for the gateway replicas (Compose's --scale)`);
      for (const t of templates) {
        const r = t.split(/\s+/)[2].match(/^(?:(\d+)-)?(\d+)$/);
        const slots = r ? Number(r[2]) - Number(r[1] || 1) + 1 : 0;
        if (slots < want) problems.push(`backend ${b.name}: ${slots} server slots, fewer than the ${want} gateway replicas to run`);
        const resolvers = [t, ...get(b, 'default-server'), ...get(defaults, 'default-server')].some((l) => /\bresolvers\s+\S+/.test(l));
        if (!resolvers) problems.push(`backend ${b.name}: the server-template has no resolvers: the replicas would never be found`);
        if (!/\binit-addr\s+none\b/.test(t)) problems.push(`backend ${b.name}: the server-template needs init-addr none (its slots wait for DNS answers)`);
        // Both the address Compose's environment gives and the file's default must name the service.
        const address = t.split(/\s+/)[3].replace(/"/g, '');
        const withEnv = address.replace(/\$\{(\w+)(?:-([^}]*))?\}/g, (m, k, d) => (env[k] !== undefined ? String(env[k]) : (d === undefined ? m : d)));
        for (const host of new Set([withEnv.split(':')[0], envDefault(address).split(':')[0]])) {
          if (gw && host !== gw[0]) problems.push(`backend ${b.name}: the server-template resolves ${host}, the compose gateway service is ${gw[0]}`);
        }
      }
    }
    for (const s of servers) {
      const address = s.split(/\s+/)[2];
      if (!address.includes('${')) problems.push(`backend ${b.name}: server address ${address} cannot be overridden by environment variables`);
      if (Number(envDefault(address).split(':').pop()) !== serverPort) problems.push(`backend ${b.name}: server ${s.split(/\s+/)[1]} defaults to port ${envDefault(address).split(':').pop()}, the gateway listens on ${serverPort}`);
      if (wantMode === 'http' && !/\bcheck\b/.test(s)) problems.push(`backend ${b.name}: server ${s.split(/\s+/)[1]} is not health-checked`);
      if (wantMode === 'http') {
        // readiness lives on the management port: the check must go there, the requests elsewhere
        const checkPort = (s.match(/(?:^|\s)port\s+(\S+)/) || [])[1];
        const checked = checkPort ? Number(envDefault(checkPort)) : Number(envDefault(address).split(':').pop());
        if (checked !== managementPort) problems.push(`backend ${b.name}: server ${s.split(/\s+/)[1]} is checked on port ${checked}, the gateway's readiness is on its management port ${managementPort} (check port ...)`);
      }
      if (wantMode === 'tcp') problems.push(...tcpServerHealth(b, s));
    }
    // An SSE stream is quiet between heartbeats: the inactivity timeouts must outlast several of them.
    const heartbeat = appSetting('gateway', 'taskhive.sse.heartbeat', gatewayEnv, 'taskhive.sse', 'heartbeat', true);
    const long = Math.max(300, 4 * heartbeat.seconds);
    const limits = [['server', timeout(b, 'server')], ['client', timeout(f, 'client')]];
    if (wantMode === 'tcp') limits.push(['tunnel', timeout(b, 'tunnel')]);
    for (const [name, value] of limits) {
      if (!(value >= long)) problems.push(`${wantMode}: timeout ${name} is ${value}s; SSE streams and long-lived connections need at least ${long}s`);
    }
  };
  // A TCP server is healthy only if its gateway's TCP listener answers the protocol's ping AND the
  // gateway is ready (HTTP readiness on its management port). It checks itself, or "track"s a server that
  // does (HAProxy allows only one of the two), which must then check the same gateway.
  function tcpServerHealth(b, s) {
    const out = [];
    const name = s.split(/\s+/)[1];
    const address = s.split(/\s+/)[2];
    let hb = b;
    let hs = s;
    const track = s.match(/\btrack\s+(?:([^/\s]+)\/)?(\S+)/);
    if (track) {
      hb = backends.find((x) => x.name === (track[1] || b.name));
      hs = hb && get(hb, 'server').find((l) => l.split(/\s+/)[1] === track[2]);
      if (!hs) return [`backend ${b.name}: server ${name} tracks ${track[0].split(/\s+/)[1]}, which does not exist`];
      if (hs.split(/\s+/)[2] !== address) out.push(`backend ${b.name}: server ${name} (${address}) tracks ${hb.name}/${track[2]}, which checks another address (${hs.split(/\s+/)[2]})`);
    }
    const where = hb === b ? `server ${name}` : `${hb.name}/${track[2]} (tracked by ${b.name}/${name})`;
    if (!/\bcheck\b/.test(hs)) return [...out, `backend ${b.name}: ${where} is not health-checked`];
    if (!get(hb, 'option tcp-check').length) return [...out, `backend ${hb.name}: the TCP health check needs option tcp-check (a ping on the TCP port plus readiness on the management port)`];
    // The rules as connections: each "tcp-check connect" opens one, to its port or else the
    // server's "port" (check port) or else the server's own port.
    const checkPort = (hs.match(/(?:^|\s)port\s+(\S+)/) || [])[1];
    const serverPortOf = Number(envDefault(checkPort || hs.split(/\s+/)[2]).split(':').pop());
    const conns = [];
    for (const l of get(hb, 'tcp-check')) {
      const m = l.match(/^tcp-check\s+(\S+)\s*(.*)$/);
      if (!m) continue;
      if (m[1] === 'connect') {
        const p = m[2].match(/(?:^|\s)port\s+(\S+)/);
        conns.push({ port: p ? Number(envDefault(p[1])) : serverPortOf, sent: '', expects: [] });
      } else if (conns.length === 0) {
        conns.push({ port: serverPortOf, sent: '', expects: [] });
      }
      const c = conns[conns.length - 1];
      if (m[1] === 'send') c.sent += haproxyArg(m[2]);
      if (m[1] === 'expect') c.expects.push(haproxyArg(m[2]));
    }
    const ping = conns.find((c) => c.sent === '{"action":"ping"}\n');
    if (!ping) out.push(`backend ${hb.name}: the TCP health check does not send {"action":"ping"} and a newline`);
    else {
      if (ping.port !== TCP_PORT_DEFAULT) out.push(`backend ${hb.name}: the ping goes to port ${ping.port}, the gateway's TCP port is ${TCP_PORT_DEFAULT}`);
      if (!ping.expects.some((e) => e.includes('{"ok":true,"pong":true}'))) out.push(`backend ${hb.name}: the ping's reply is not expected to be {"ok":true,"pong":true}`);
    }
    const ready = conns.find((c) => new RegExp(`^GET ${PROBES.readiness} HTTP/1\\.[01]\r\n`).test(c.sent));
    if (!ready) out.push(`backend ${hb.name}: the TCP health check does not request ${PROBES.readiness}`);
    else {
      if (ready.port !== managementPort) out.push(`backend ${hb.name}: readiness is asked on port ${ready.port}, the gateway's management port is ${managementPort}`);
      if (!/\r\n\r\n$/.test(ready.sent)) out.push(`backend ${hb.name}: the readiness request does not end with an empty line`);
      if (!ready.expects.some((e) => /\b200\b/.test(e))) out.push(`backend ${hb.name}: the readiness answer is not expected to be 200`);
    }
    return out;
  }

  const httpFront = frontends.find((f) => mode(f) === 'http' && bindPort(f).includes(8080));
  const tcpFront = frontends.find((f) => mode(f) === 'tcp' && bindPort(f).includes(TCP_PORT_DEFAULT));
  checkBackend(':8080', httpFront, 'http', httpPort);
  checkBackend(`:${TCP_PORT_DEFAULT}`, tcpFront, 'tcp', TCP_PORT_DEFAULT);
  if (httpFront && !(timeout(httpFront, 'http-request') > 0 && timeout(httpFront, 'http-request') <= 60)) problems.push('the HTTP frontend needs a short timeout http-request (slow clients)');
  if (httpFront && !get(httpFront, 'http-request deny').some((l) => /\bactuator\b/.test(l))) problems.push('the public HTTP frontend routes /actuator (health, Prometheus metrics) to the gateways: deny it');
  // the variables compose passes must be ones the configuration reads
  const cfgVars = new Set([...read('deploy/haproxy/haproxy.cfg').matchAll(/\$\{(\w+)/g)].map((m) => m[1]));
  if (compose && compose.services.haproxy) {
    for (const k of Object.keys(envOf(compose.services.haproxy))) if (!cfgVars.has(k)) problems.push(`compose passes ${k} to haproxy, which haproxy.cfg does not read`);
  }
  return problems;
});

// ---- Observability: dashboard, alert rules, Prometheus Operator objects, Compose profile -----------

{
  const obs = require('./lib/observability');
  const exported = obs.exportedMetrics(ROOT);
  const datasources = YAML.parse(read('deploy/observability/grafana/provisioning/datasources/prometheus.yml'));
  const datasourceUid = (datasources.datasources || []).find((d) => d.type === 'prometheus')?.uid;
  let dashboardQueries = [];
  check('observability', 'Grafana dashboard: the JSON model Grafana provisions (ids, grid, data source, queries)', () => {
    if (!datasourceUid) return ['deploy/observability/grafana/provisioning/datasources/prometheus.yml provisions no Prometheus data source with a uid'];
    const result = obs.checkDashboard(JSON.parse(read('deploy/observability/grafana/dashboards/taskhive.json')), datasourceUid);
    if (Array.isArray(result)) return result;
    dashboardQueries = result.queries;
    return result.problems.length ? result.problems : `${result.queries.length} queries`;
  });
  const alerts = YAML.parse(read('deploy/observability/alerts.yml'));
  check('observability', 'every metric the dashboard and the alert rules query is one the services export', () => {
    if (exported.size === 0) return ['no taskhive meters found in the services\' sources'];
    const queries = [...dashboardQueries, ...obs.ruleQueries(alerts.groups, 'alerts.yml')];
    const problems = obs.checkMetricNames(queries, exported);
    return problems.length ? problems : `${queries.length} queries over ${exported.size} exported series names`;
  });
  check('observability', 'alert rules: the five alerts the operators rely on exist', () => {
    const names = new Set((alerts.groups || []).flatMap((g) => (g.rules || []).map((r) => r.alert)));
    return ['TaskhiveOutboxBacklogGrowing', 'TaskhiveRelayLag', 'TaskhiveDeadTasks', 'TaskhiveNoLiveWorkers',
      'TaskhiveQueueWaitHigh'].filter((a) => !names.has(a)).map((a) => `alerts.yml lacks ${a}`);
  });
  check('k8s', 'components/monitoring: the PrometheusRule holds the groups of deploy/observability/alerts.yml', () => {
    const rule = YAML.parseAllDocuments(read('k8s/components/monitoring/prometheus-rule.yaml')).map((d) => d.toJS())
      .find((o) => o && o.kind === 'PrometheusRule');
    if (!rule) return ['k8s/components/monitoring/prometheus-rule.yaml has no PrometheusRule'];
    const normal = (groups) => JSON.stringify(groups, (k, v) => (typeof v === 'string' ? v.trim() : v));
    return normal(rule.spec.groups) === normal(alerts.groups) ? []
      : ['the PrometheusRule\'s groups differ from deploy/observability/alerts.yml: edit both together'];
  });
  check('k8s', 'overlays/monitoring: each PodMonitor scrapes a named port of its pods at the actuator\'s Prometheus path', () => {
    const objects = renders['k8s/overlays/monitoring'];
    if (!objects) return ['k8s/overlays/monitoring was not rendered'];
    const problems = [];
    const monitors = objects.filter((o) => o.kind === 'PodMonitor');
    for (const service of ['gateway', 'worker']) {
      const monitor = monitors.find((m) => m.spec.selector?.matchLabels?.['app.kubernetes.io/name'] === service);
      const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === service);
      if (!monitor) { problems.push(`no PodMonitor selects the ${service}`); continue; }
      const ports = (deployment?.spec.template.spec.containers || []).flatMap((c) => (c.ports || []).map((p) => p.name));
      for (const endpoint of monitor.spec.podMetricsEndpoints || []) {
        if (!ports.includes(endpoint.port)) problems.push(`PodMonitor ${monitor.metadata.name}: port ${endpoint.port} is no port of the ${service} (${ports.join(', ')})`);
        if (endpoint.path !== '/actuator/prometheus') problems.push(`PodMonitor ${monitor.metadata.name}: path ${endpoint.path} is not /actuator/prometheus`);
      }
      const expected = service === 'gateway' ? 'management' : 'http';
      if (!(monitor.spec.podMetricsEndpoints || []).some((e) => e.port === expected)) problems.push(`PodMonitor ${monitor.metadata.name}: the ${service}'s actuator is on its port ${expected}`);
    }
    return problems;
  });
  check('compose', 'profile observability: Prometheus and Grafana with deploy/observability, nothing else in the profile', () => {
    if (!compose) return ['no docker-compose config to read'];
    const problems = [];
    const profiled = Object.entries(compose.services).filter(([, s]) => (s.profiles || []).includes('observability')).map(([n]) => n);
    if (profiled.sort().join(',') !== 'grafana,prometheus') problems.push(`the observability profile runs ${profiled.join(', ') || 'nothing'}, not prometheus and grafana`);
    const mounts = (s) => (s ? s.volumes || [] : []).map((v) => (typeof v === 'string' ? v : `${v.source}:${v.target}`));
    const need = {
      prometheus: ['deploy/observability/prometheus.yml', 'deploy/observability/alerts.yml'],
      grafana: ['deploy/observability/grafana/provisioning', 'deploy/observability/grafana/dashboards'],
    };
    for (const [service, files] of Object.entries(need)) {
      for (const file of files) {
        if (!mounts(compose.services[service]).some((m) => m.includes(file))) problems.push(`${service} does not mount ${file}`);
      }
    }
    const promConfig = YAML.parse(read('deploy/observability/prometheus.yml'));
    for (const [job, service, port] of [['taskhive-gateway', 'gateway', 8090], ['taskhive-worker', 'worker', 8081]]) {
      const sc = (promConfig.scrape_configs || []).find((c) => c.job_name === job);
      if (!sc) { problems.push(`prometheus.yml has no job ${job}`); continue; }
      if (sc.metrics_path !== '/actuator/prometheus') problems.push(`job ${job}: metrics_path ${sc.metrics_path}`);
      const dns = (sc.dns_sd_configs || [])[0];
      if (!dns || !(dns.names || []).includes(service) || dns.port !== port) problems.push(`job ${job}: must find every ${service} replica through DNS on port ${port}`);
    }
    return problems;
  });
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
