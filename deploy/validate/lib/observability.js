'use strict';
// Checks of deploy/observability (Grafana dashboard, alert rules) and of the Prometheus Operator
// objects of k8s/components/monitoring, without Grafana or Prometheus running:
//
// - the dashboard's JSON model as Grafana loads it from a provisioned file: uid, title, schema
//   version, panels with unique ids, a grid position inside the 24 columns and no two overlapping,
//   a known panel type, the provisioned Prometheus data source, queries with unique refIds and
//   balanced brackets;
// - every metric that a dashboard query or an alert rule names is one the services export. The
//   exported names are read from the services' sources (the Micrometer meters they register) and
//   named as Micrometer's Prometheus registry names them: counters _total; timers _seconds_count,
//   _sum, _max and _bucket; gauges with their base unit appended. (ObservabilityTest holds the
//   same files to a real scrape of both services.)

const fs = require('fs');
const path = require('path');

const PANEL_TYPES = new Set(['row', 'timeseries', 'stat', 'gauge', 'bargauge', 'table', 'text', 'heatmap']);
/** Series Prometheus makes itself, which queries may name. */
const PROMETHEUS_SERIES = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped']);
/** PromQL words that look like metric names but are not. */
const PROMQL_WORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless',
  'bool', 'offset', 'le', 'inf', 'nan']);

function javaFiles(dir) {
  if (!fs.existsSync(dir)) return [];
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...javaFiles(p));
    else if (entry.name.endsWith('.java')) out.push(p);
  }
  return out;
}

/**
 * The Prometheus series names of the taskhive meters the services register, from their sources:
 * Counter/Timer/Gauge.builder("taskhive...") and the worker's counter("taskhive...")/timer(...)
 * helpers; a gauge's .baseUnit("...") within the same statement is appended.
 */
function exportedMetrics(root) {
  const names = new Map(); // series name -> where it is registered
  const sources = ['task-domain', 'worker-service', 'gateway-service']
    .flatMap((m) => javaFiles(path.join(root, m, 'src', 'main', 'java')));
  const re = /\b(Counter\.builder|Timer\.builder|Gauge\.builder|counter|timer)\(\s*"(taskhive\.[a-z0-9_.]+)"/g;
  for (const file of sources) {
    const src = fs.readFileSync(file, 'utf8');
    for (const m of src.matchAll(re)) {
      const base = m[2].replace(/\./g, '_');
      const where = path.relative(root, file);
      const kind = m[1].toLowerCase();
      if (kind.startsWith('counter')) names.set(`${base}_total`, where);
      else if (kind.startsWith('timer')) {
        for (const suffix of ['count', 'sum', 'max', 'bucket']) names.set(`${base}_seconds_${suffix}`, where);
      } else {
        const statement = src.slice(m.index, src.indexOf(';', m.index));
        const unit = /\.baseUnit\(\s*"([a-z]+)"\s*\)/.exec(statement);
        names.set(unit ? `${base}_${unit[1]}` : base, where);
      }
    }
  }
  return names;
}

/** The metric names a PromQL expression reads: identifiers not followed by "(" that are not keywords or labels. */
function metricsIn(expr) {
  const withoutStrings = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const withoutLabels = withoutStrings.replace(/\{[^}]*\}/g, '{}').replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  const withoutRanges = withoutLabels.replace(/\[[^\]]*\]/g, '[]');
  const names = new Set();
  for (const m of withoutRanges.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*\()/g)) {
    const name = m[1];
    if (PROMQL_WORDS.has(name.toLowerCase())) continue;
    if (/^\d/.test(name)) continue;
    names.add(name);
  }
  return [...names];
}

function balanced(expr) {
  const pairs = { ')': '(', ']': '[', '}': '{' };
  const stack = [];
  for (const c of expr.replace(/"(?:[^"\\]|\\.)*"/g, '""')) {
    if ('([{'.includes(c)) stack.push(c);
    else if (pairs[c]) {
      if (stack.pop() !== pairs[c]) return false;
    }
  }
  return stack.length === 0;
}

/** Problems of the dashboard's JSON model; {panels, queries} on success. */
function checkDashboard(dashboard, datasourceUid) {
  const problems = [];
  for (const key of ['uid', 'title']) {
    if (typeof dashboard[key] !== 'string' || !dashboard[key]) problems.push(`the dashboard has no ${key}`);
  }
  if (!Number.isInteger(dashboard.schemaVersion) || dashboard.schemaVersion < 36) {
    problems.push(`schemaVersion ${dashboard.schemaVersion} is not a current Grafana schema (>= 36)`);
  }
  if (!Array.isArray(dashboard.panels) || dashboard.panels.length === 0) {
    problems.push('the dashboard has no panels');
    return problems;
  }
  const ids = new Set();
  const cells = new Map();
  const queries = [];
  for (const panel of dashboard.panels) {
    const label = `panel ${panel.id} "${panel.title}"`;
    if (!Number.isInteger(panel.id)) problems.push(`${label}: id must be an integer`);
    else if (ids.has(panel.id)) problems.push(`${label}: id used twice`);
    ids.add(panel.id);
    if (!PANEL_TYPES.has(panel.type)) problems.push(`${label}: unknown panel type ${panel.type}`);
    const g = panel.gridPos || {};
    if (!['x', 'y', 'w', 'h'].every((k) => Number.isInteger(g[k]) && g[k] >= 0) || g.w < 1 || g.h < 1) {
      problems.push(`${label}: gridPos needs integer x, y, w, h`);
    } else {
      if (g.x + g.w > 24) problems.push(`${label}: gridPos reaches column ${g.x + g.w}, beyond Grafana's 24`);
      for (let x = g.x; x < g.x + g.w; x++) {
        for (let y = g.y; y < g.y + g.h; y++) {
          const other = cells.get(`${x},${y}`);
          if (other !== undefined) {
            problems.push(`${label}: overlaps panel ${other}`);
            x = g.x + g.w;
            break;
          }
          cells.set(`${x},${y}`, panel.id);
        }
      }
    }
    if (panel.type === 'row' || panel.type === 'text') continue;
    if (!panel.datasource || panel.datasource.uid !== datasourceUid) {
      problems.push(`${label}: data source ${JSON.stringify(panel.datasource)} is not the provisioned ${datasourceUid}`);
    }
    if (!Array.isArray(panel.targets) || panel.targets.length === 0) {
      problems.push(`${label}: no queries`);
      continue;
    }
    const refIds = new Set();
    for (const target of panel.targets) {
      if (!target.refId || refIds.has(target.refId)) problems.push(`${label}: missing or repeated refId ${target.refId}`);
      refIds.add(target.refId);
      if (typeof target.expr !== 'string' || !target.expr.trim()) problems.push(`${label}: query ${target.refId} has no expr`);
      else if (!balanced(target.expr)) problems.push(`${label}: unbalanced brackets in ${target.expr}`);
      else queries.push({ where: `${label} ${target.refId}`, expr: target.expr });
    }
  }
  return { problems, queries };
}

/** Problems: metrics named by the expressions that the services do not export. */
function checkMetricNames(queries, exported) {
  const problems = [];
  for (const { where, expr } of queries) {
    for (const name of metricsIn(expr)) {
      if (!exported.has(name) && !PROMETHEUS_SERIES.has(name)) {
        problems.push(`${where}: ${name} is not a metric the services export (${expr})`);
      }
    }
  }
  return problems;
}

/** The expressions of a rule file's groups, with where they are. */
function ruleQueries(groups, file) {
  const out = [];
  for (const group of groups || []) {
    for (const rule of group.rules || []) {
      out.push({ where: `${file}: ${rule.alert || rule.record}`, expr: String(rule.expr) });
    }
  }
  return out;
}

module.exports = { exportedMetrics, metricsIn, checkDashboard, checkMetricNames, ruleQueries };
