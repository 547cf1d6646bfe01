// The operator's console: totals, queue depth and outbox backlog, live workers, throughput and
// latency over the last hour, bulk retry, and everyone's tasks with retry and cancel.
import { h, replaceChildren, announce } from '../dom.js';
import { api, ApiError } from '../api.js';
import { chart } from '../chart.js';
import { timeElement, duration, age, STATUSES } from '../format.js';
import { taskTable } from './task-table.js';

const OVERVIEW_EVERY_MS = 5000;
const STATS_EVERY_MS = 10000;

export function adminView(main) {
  const overview = h('section', { class: 'card', 'aria-labelledby': 'overview-heading' },
    h('h2', { id: 'overview-heading' }, 'Overview'), h('p', {}, 'Loading…'));
  const workers = h('section', { class: 'card', 'aria-labelledby': 'workers-heading' },
    h('h2', { id: 'workers-heading' }, 'Workers'), h('p', {}, 'Loading…'));
  const charts = h('section', { class: 'card', 'aria-labelledby': 'charts-heading' },
    h('h2', { id: 'charts-heading' }, 'The last hour'), h('p', {}, 'Loading…'));
  const bulk = h('section', { class: 'card', 'aria-labelledby': 'bulk-heading' },
    h('h2', { id: 'bulk-heading' }, 'Retry in bulk'));
  const tableSlot = h('div');
  replaceChildren(main, h('h1', {}, 'Admin console'),
    h('div', { class: 'grid-2' }, overview, workers), charts, bulk, tableSlot);

  let table = null;
  let workerList = [];
  let disposed = false;

  async function refreshOverview() {
    try {
      const [o, w] = await Promise.all([api.get('/api/admin/overview'), api.get('/api/admin/workers')]);
      if (disposed) {
        return;
      }
      renderOverview(overview, o);
      workerList = w;
      renderWorkers(workers, workerList);
    } catch (e) {
      showError(overview, 'overview-heading', 'Overview', e);
    }
  }

  async function refreshStats() {
    try {
      const stats = await api.get('/api/admin/stats?minutes=60');
      if (!disposed) {
        renderCharts(charts, stats);
      }
    } catch (e) {
      showError(charts, 'charts-heading', 'The last hour', e);
    }
  }

  api.get('/api/task-types').then((types) => {
    if (disposed) {
      return;
    }
    const keys = types.map((t) => t.key);
    table = taskTable({ admin: true, types: keys, heading: 'All tasks', idPrefix: 'all' });
    tableSlot.replaceWith(table.element);
    replaceChildren(bulk, h('h2', { id: 'bulk-heading' }, 'Retry in bulk'), bulkRetryForm(keys, () => table.reload()));
  }).catch((e) => showError(bulk, 'bulk-heading', 'Retry in bulk', e));

  refreshOverview();
  refreshStats();
  const timers = [
    setInterval(refreshOverview, OVERVIEW_EVERY_MS),
    setInterval(refreshStats, STATS_EVERY_MS),
    // heartbeat ages tick between refreshes
    setInterval(() => {
      for (const cell of workers.querySelectorAll('[data-last-seen]')) {
        cell.textContent = age(cell.dataset.lastSeen);
      }
    }, 1000),
  ];
  return () => {
    disposed = true;
    timers.forEach(clearInterval);
    table?.dispose();
  };
}

function showError(section, headingId, title, e) {
  replaceChildren(section, h('h2', { id: headingId }, title), h('p', { class: 'form-error', role: 'alert' },
    e instanceof ApiError ? e.detail : 'This could not be loaded; it will be tried again.'));
}

function stat(label, value, { id, warn = false } = {}) {
  return h('div', { class: `stat${warn ? ' warn' : ''}` }, h('dt', {}, label), h('dd', { id }, value));
}

function renderOverview(section, o) {
  const counts = o.tasksByStatus || {};
  const unknown = 'unknown';
  replaceChildren(section, h('h2', { id: 'overview-heading' }, 'Overview'),
    h('dl', { class: 'stats' },
      stat('Queue depth', o.queueDepth ?? unknown, { id: 'queue-depth' }),
      stat('Dead letters', o.deadLetterDepth ?? unknown, { id: 'dead-letter-depth', warn: o.deadLetterDepth > 0 }),
      stat('Outbox backlog', o.outboxBacklog ?? unknown, { id: 'outbox-backlog', warn: o.outboxBacklog > 0 }),
      stat('Oldest unpublished', !o.outboxBacklog || o.oldestUnpublishedSeconds === null
        || o.oldestUnpublishedSeconds === undefined ? 'none' : duration(o.oldestUnpublishedSeconds * 1000),
      { id: 'oldest-unpublished' }),
      stat('Live workers', o.liveWorkers, { id: 'live-workers', warn: o.liveWorkers === 0 }),
      stat('Running tasks', o.runningTasks, { id: 'running-tasks' })),
    h('h3', {}, 'Tasks by status'),
    h('dl', { class: 'stats status-counts' }, STATUSES.map((s) => stat(s, counts[s] ?? 0, {
      id: `count-${s.toLowerCase()}`, warn: (s === 'DEAD' || s === 'FAILED') && counts[s] > 0,
    }))));
}

function renderWorkers(section, list) {
  const heading = h('h2', { id: 'workers-heading' }, 'Workers');
  if (!list.length) {
    replaceChildren(section, heading, h('p', { class: 'empty' },
      'No worker has been heard from in the last 24 hours. Start one (see the README) and it will show up here.'));
    return;
  }
  replaceChildren(section, heading, h('div', { class: 'table-wrap' }, h('table', { class: 'workers', 'aria-labelledby': 'workers-heading' },
    h('thead', {}, h('tr', {}, ['Worker', 'State', 'Heartbeat', 'Running', 'Host', 'Started'].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, list.map((w) => h('tr', { 'data-worker-id': w.id },
      h('th', { scope: 'row', 'data-label': 'Worker', class: 'mono' }, w.id),
      h('td', { 'data-label': 'State' }, workerState(w)),
      h('td', { 'data-label': 'Heartbeat', 'data-last-seen': w.lastSeen }, age(w.lastSeen)),
      h('td', { 'data-label': 'Running' }, `${w.running} / ${w.capacity}`),
      h('td', { 'data-label': 'Host' }, w.host),
      h('td', { 'data-label': 'Started' }, timeElement(w.startedAt, { short: true }))))))));
}

function workerState(w) {
  if (w.stoppedAt) {
    return h('span', { class: 'status status-cancelled' }, 'stopped');
  }
  if (!w.alive) {
    return h('span', { class: 'status status-dead' }, 'silent');
  }
  if (w.drainingSince) {
    return h('span', { class: 'status status-retrying', title: `draining since ${new Date(w.drainingSince).toLocaleString()}` }, 'draining');
  }
  return h('span', { class: 'status status-succeeded' }, 'alive');
}

function renderCharts(section, stats) {
  const buckets = stats.buckets || [];
  const sum = (key) => buckets.reduce((total, b) => total + (b[key] || 0), 0);
  const maxOf = (key) => Math.max(0, ...buckets.map((b) => b[key] ?? 0));
  const ms = (v) => duration(v);
  const per = `per ${stats.bucketSeconds >= 60 ? `${stats.bucketSeconds / 60} min` : `${stats.bucketSeconds} s`}`;
  replaceChildren(section, h('h2', { id: 'charts-heading' }, 'The last hour'),
    h('div', { class: 'grid-2' },
      chart({
        id: 'throughput-chart', title: `Throughput (tasks finished ${per})`, kind: 'bars', buckets,
        summary: `${sum('submitted')} submitted, ${sum('succeeded')} succeeded, ${sum('failed')} failed, `
          + `${sum('dead')} dead and ${sum('cancelled')} cancelled between ${new Date(stats.from).toLocaleTimeString()} `
          + `and ${new Date(stats.to).toLocaleTimeString()}.`,
        series: [
          { key: 'succeeded', label: 'succeeded', className: 's-succeeded' },
          { key: 'failed', label: 'failed', className: 's-failed' },
          { key: 'dead', label: 'dead', className: 's-dead' },
          { key: 'cancelled', label: 'cancelled', className: 's-cancelled' },
        ],
        format: (v) => (Number.isInteger(v) ? String(v) : v.toFixed(1)),
      }),
      chart({
        id: 'latency-chart', title: 'Latency (run and queue wait)', kind: 'lines', buckets, format: ms,
        summary: buckets.some((b) => b.runP50Ms !== null)
          ? `Highest in the hour: run time p95 ${ms(maxOf('runP95Ms'))}, wait p95 ${ms(maxOf('waitP95Ms'))}.`
          : 'No task finished in the last hour.',
        series: [
          { key: 'runP50Ms', label: 'run p50', className: 's-run50' },
          { key: 'runP95Ms', label: 'run p95', className: 's-run95' },
          { key: 'waitP50Ms', label: 'wait p50', className: 's-wait50' },
          { key: 'waitP95Ms', label: 'wait p95', className: 's-wait95' },
        ],
      })));
}

function bulkRetryForm(types, onDone) {
  const status = h('select', { id: 'bulk-status', name: 'status' },
    h('option', { value: 'DEAD' }, 'DEAD'), h('option', { value: 'FAILED' }, 'FAILED'));
  const type = h('select', { id: 'bulk-type', name: 'type' },
    h('option', { value: '' }, 'Any type'), types.map((t) => h('option', { value: t }, t)));
  const owner = h('input', { id: 'bulk-owner', name: 'ownerId', type: 'number', min: 1, step: 1, inputmode: 'numeric', 'aria-describedby': 'bulk-hint' });
  const result = h('p', { class: 'notice', role: 'status', id: 'bulk-result', hidden: true });
  const error = h('div', { class: 'form-error', role: 'alert', hidden: true });
  const button = h('button', { type: 'submit' }, 'Retry matching tasks');
  const form = h('form', { id: 'bulk-retry', class: 'filters', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: status.id }, 'Status'), status),
    h('div', { class: 'field' }, h('label', { for: type.id }, 'Type'), type),
    h('div', { class: 'field' }, h('label', { for: owner.id }, 'Owner id'), owner),
    h('div', { class: 'actions' }, button));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    result.hidden = true;
    error.hidden = true;
    const body = { status: status.value };
    if (type.value) {
      body.type = type.value;
    }
    if (owner.value) {
      body.ownerId = Number(owner.value);
    }
    button.disabled = true;
    try {
      const answer = await api.post('/api/admin/tasks/retry', body);
      result.textContent = `Queued again: ${answer.retried} task${answer.retried === 1 ? '' : 's'}.`;
      result.hidden = false;
      announce(result.textContent);
      onDone();
    } catch (e) {
      error.textContent = e instanceof ApiError ? e.detail : 'The retry did not go through.';
      error.hidden = false;
    } finally {
      button.disabled = false;
    }
  });
  return [h('p', { class: 'hint', id: 'bulk-hint' }, 'Queues every DEAD (or FAILED) task matching the filters again '
    + '(of any type and every user unless you name them), up to the server’s limit per call.'),
    form, result, error];
}
