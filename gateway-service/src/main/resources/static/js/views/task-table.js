// A live table of tasks: the caller's own (GET /api/tasks, GET /api/events) or, for an admin,
// everyone's (GET /api/admin/tasks, GET /api/events?scope=all). Rows change in place as status
// events arrive; new tasks appear on the first page; running tasks' run time ticks.
import { h, replaceChildren, announce } from '../dom.js';
import { api, query, ApiError } from '../api.js';
import { followEvents } from '../events.js';
import {
  timeElement, duration, runTime, shortId, statusBadge, FINAL_STATUSES, STATUSES,
} from '../format.js';

const PAGE_SIZE = 20;

/** The actions a task's status allows: cancel while it may still run, retry once it has ended badly. */
export function actionsFor(task, admin) {
  const actions = [];
  if (!FINAL_STATUSES.has(task.status)) {
    actions.push('cancel');
  }
  if (task.status === 'FAILED' || task.status === 'DEAD' || (admin && task.status === 'CANCELLED')) {
    actions.push('retry');
  }
  return actions;
}

export function performAction(action, task, admin) {
  if (admin) {
    return api.post(`/api/admin/tasks/${task.id}/${action}`);
  }
  return action === 'cancel' ? api.delete(`/api/tasks/${task.id}`) : api.post(`/api/tasks/${task.id}/retry`);
}

/**
 * The table, its filters and pager, in `container`. `types` are the task-type keys for the type
 * filter. Returns {element, reload(), insert(task), dispose()}.
 */
export function taskTable({ admin = false, types = [], heading = 'Tasks', headingLevel = 'h2', idPrefix = 'tasks' }) {
  const state = { status: '', type: '', ownerId: '', page: 0, items: [], totalItems: 0, totalPages: 0, totalExact: true };
  const rows = new Map(); // task id -> {task, row, link, cells}
  const unseen = new Map(); // task id -> its latest change, for tasks not (yet) on this page
  const caption = h(headingLevel, { id: `${idPrefix}-heading` }, heading);
  const liveState = h('p', { class: 'live-state', id: `${idPrefix}-live` }, 'Connecting to live updates…');
  const message = h('div', { class: 'form-error', role: 'alert', hidden: true });
  const body = h('tbody');
  const empty = h('p', { class: 'empty', hidden: true });
  const pageInfo = h('p', { class: 'page-info', 'aria-live': 'polite' });
  const previous = h('button', { type: 'button', class: 'secondary', onclick: () => go(state.page - 1) }, '← Newer');
  const next = h('button', { type: 'button', class: 'secondary', onclick: () => go(state.page + 1) }, 'Older →');

  const statusFilter = h('select', { id: `${idPrefix}-status`, name: 'status' },
    h('option', { value: '' }, 'Any status'), STATUSES.map((s) => h('option', { value: s }, s)));
  const typeFilter = h('select', { id: `${idPrefix}-type`, name: 'type' },
    h('option', { value: '' }, 'Any type'), types.map((t) => h('option', { value: t }, t)));
  const ownerFilter = admin
    ? h('input', { id: `${idPrefix}-owner`, name: 'ownerId', type: 'number', min: 1, step: 1, inputmode: 'numeric' })
    : null;
  const filters = h('form', { class: 'filters', 'aria-label': `Filter ${heading.toLowerCase()}` },
    h('div', { class: 'field' }, h('label', { for: statusFilter.id }, 'Status'), statusFilter),
    h('div', { class: 'field' }, h('label', { for: typeFilter.id }, 'Type'), typeFilter),
    ownerFilter ? h('div', { class: 'field' }, h('label', { for: ownerFilter.id }, 'Owner id'), ownerFilter) : null,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'secondary' }, 'Apply')));
  filters.addEventListener('change', (event) => {
    if (event.target !== ownerFilter) {
      applyFilters(event);
    }
  });
  filters.addEventListener('submit', applyFilters);

  const table = h('table', { class: 'tasks', 'aria-labelledby': caption.id },
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'Task'), h('th', { scope: 'col' }, 'Type'), h('th', { scope: 'col' }, 'Status'),
      h('th', { scope: 'col' }, 'Attempts'), h('th', { scope: 'col' }, 'Submitted'),
      h('th', { scope: 'col' }, 'Run time'), admin ? h('th', { scope: 'col' }, 'Owner') : null,
      h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
    body);
  const element = h('section', { class: 'task-table card', 'aria-labelledby': caption.id },
    caption, filters, liveState, message, h('div', { class: 'table-wrap' }, table), empty,
    h('nav', { class: 'pager', 'aria-label': `${heading} pages` }, previous, pageInfo, next));

  function applyFilters(event) {
    event?.preventDefault();
    state.status = statusFilter.value;
    state.type = typeFilter.value;
    state.ownerId = ownerFilter ? ownerFilter.value : '';
    go(0);
  }

  function go(page) {
    state.page = Math.max(0, page);
    reload();
  }

  let loading = null;
  // Changes that arrive while a page is being fetched may be newer than what the fetch returns:
  // they are applied again, in order, once the page is shown, so a row never ends on an older status.
  let arrivedWhileLoading = [];
  async function reload() {
    loading?.abort();
    const controller = new AbortController();
    loading = controller;
    arrivedWhileLoading = [];
    const path = (admin ? '/api/admin/tasks' : '/api/tasks') + query({
      status: state.status, type: state.type, ownerId: state.ownerId, page: state.page, size: PAGE_SIZE,
    });
    try {
      const page = await api.get(path, { signal: controller.signal });
      loading = null;
      state.items = page.items;
      state.totalItems = page.totalItems;
      state.totalPages = page.totalPages;
      state.totalExact = page.totalExact !== false;
      message.hidden = true;
      render();
      const replay = arrivedWhileLoading;
      arrivedWhileLoading = [];
      replay.forEach((change) => onStatus(change, { quiet: true }));
    } catch (e) {
      if (loading === controller) {
        loading = null;
      }
      if (e.name !== 'AbortError') {
        message.textContent = e instanceof ApiError ? e.detail : 'The tasks could not be loaded.';
        message.hidden = false;
      }
    }
  }

  function render() {
    // A keyboard user on a row keeps their place when the page is rebuilt around them.
    const focusedTask = body.contains(document.activeElement)
      ? document.activeElement.closest('tr')?.dataset.taskId : null;
    rows.clear();
    replaceChildren(body, state.items.map(rowFor));
    if (focusedTask) {
      (rows.get(focusedTask) ?? rows.values().next().value)?.link.focus({ preventScroll: true });
    }
    const filtered = state.status || state.type || state.ownerId;
    empty.hidden = state.items.length > 0;
    empty.textContent = filtered ? 'No tasks match these filters.'
      : admin ? 'No tasks yet.' : 'No tasks yet. Submit one with the form above; it will show up here as it runs.';
    table.hidden = state.items.length === 0;
    pageInfo.textContent = state.totalItems === 0 ? '' : pageSummary();
    previous.disabled = state.page === 0;
    next.disabled = state.totalExact && state.page + 1 >= state.totalPages;
  }

  /** "Page 2 of 7 · 130 tasks"; past the gateway's count limit "Page 2 of 50+ · 1,000+ tasks". */
  function pageSummary() {
    const more = state.totalExact ? '' : '+';
    const count = state.totalItems.toLocaleString('en-US');
    return `Page ${state.page + 1} of ${Math.max(1, state.totalPages).toLocaleString('en-US')}${more}`
      + ` · ${count}${more} task${state.totalItems === 1 && state.totalExact ? '' : 's'}`;
  }

  function rowFor(task) {
    const link = h('a', { href: `${admin ? '#/admin/tasks/' : '#/tasks/'}${task.id}`, class: 'mono' }, shortId(task.id));
    const cells = {
      status: h('td', { 'data-label': 'Status', class: 'cell-status' }),
      attempts: h('td', { 'data-label': 'Attempts' }),
      run: h('td', { 'data-label': 'Run time', class: 'cell-run' }),
      actions: h('td', { class: 'cell-actions' }),
    };
    const row = h('tr', { 'data-task-id': task.id },
      h('th', { scope: 'row', 'data-label': 'Task' }, link),
      h('td', { 'data-label': 'Type' }, task.type),
      cells.status, cells.attempts,
      h('td', { 'data-label': 'Submitted' }, timeElement(task.createdAt, { short: true })),
      cells.run,
      admin ? h('td', { 'data-label': 'Owner' }, String(task.ownerId)) : null,
      cells.actions);
    const entry = { task, row, link, cells, actions: '' };
    rows.set(task.id, entry);
    fill(entry);
    return row;
  }

  function fill(entry) {
    const { task, cells } = entry;
    replaceChildren(cells.status, statusBadge(task.status));
    cells.attempts.textContent = `${task.attempts} of ${task.maxAttempts}`;
    cells.run.textContent = duration(runTime(task));
    const actions = actionsFor(task, admin);
    if (actions.join() !== entry.actions) {
      entry.actions = actions.join();
      // The button a keyboard user is on may go (a task that finishes loses its Cancel): focus moves
      // to what replaces it, else to the task's link, never back to the top of the page.
      const hadFocus = cells.actions.contains(document.activeElement);
      replaceChildren(cells.actions, actions.map((action) => h('button', {
        type: 'button', class: action === 'cancel' ? 'danger small' : 'small',
        'aria-label': `${action === 'cancel' ? 'Cancel' : 'Retry'} task ${shortId(task.id)}`,
        onclick: (event) => act(action, entry, event.currentTarget),
      }, action === 'cancel' ? 'Cancel' : 'Retry')));
      if (hadFocus) {
        (cells.actions.querySelector('button') ?? entry.link).focus({ preventScroll: true });
      }
    }
  }

  async function act(action, entry, button) {
    button.disabled = true;
    message.hidden = true;
    try {
      const updated = await performAction(action, entry.task, admin);
      update(updated);
      announce(`Task ${shortId(updated.id)} is now ${updated.status}.`);
    } catch (e) {
      message.textContent = e instanceof ApiError ? e.detail : `The task could not be ${action}ed.`;
      message.hidden = false;
      button.disabled = false;
    }
  }

  /**
   * A task as an action's answer returned it. The task's events may overtake that answer (a retried
   * task can be claimed and finished by a worker before the answer arrives): an answer about an
   * earlier attempt than the row shows is older than the row, and must not set it back.
   */
  function update(task) {
    const entry = rows.get(task.id);
    if (entry && !(task.attempts < entry.task.attempts)) {
      entry.task = { ...entry.task, ...task };
      fill(entry);
    }
  }

  /** A task just submitted here: on top of the first page, unless an event already brought it. */
  function insert(task) {
    if (rows.has(task.id) || state.page !== 0 || !matches(task)) {
      return;
    }
    state.items = [task, ...state.items].slice(0, PAGE_SIZE);
    state.totalItems += 1;
    state.totalPages = Math.max(1, Math.ceil(state.totalItems / PAGE_SIZE));
    body.prepend(rowFor(task));
    if (unseen.has(task.id)) {
      // its stream event outran the submission's answer: show what it has become since
      onStatus(unseen.get(task.id));
      unseen.delete(task.id);
    }
    while (body.rows.length > PAGE_SIZE) {
      const last = body.rows[body.rows.length - 1];
      rows.delete(last.dataset.taskId);
      last.remove();
    }
    empty.hidden = true;
    table.hidden = false;
    pageInfo.textContent = pageSummary();
  }

  function matches(task) {
    return (!state.status || task.status === state.status) && (!state.type || task.type === state.type)
      && (!state.ownerId || String(task.ownerId) === String(state.ownerId));
  }

  let reloadTimer;
  function reloadSoon() {
    clearTimeout(reloadTimer);
    reloadTimer = setTimeout(reload, 300);
  }

  function onStatus(change, { quiet = false } = {}) {
    if (loading) {
      arrivedWhileLoading.push(change);
    }
    const entry = rows.get(change.taskId);
    if (!entry) {
      unseen.set(change.taskId, change);
      if (unseen.size > 200) {
        unseen.delete(unseen.keys().next().value);
      }
      // a task not on this page: it may belong on top of the first one
      if (state.page === 0 && (!state.status || change.to === state.status)
        && (!state.type || change.type === state.type)
        && (!state.ownerId || String(change.ownerId) === String(state.ownerId))) {
        reloadSoon();
      }
      return;
    }
    const task = { ...entry.task, status: change.to, attempts: change.attempt ?? entry.task.attempts };
    if (change.workerId) {
      task.workerId = change.workerId;
    }
    if (change.to === 'RUNNING') {
      task.startedAt = change.at;
      task.finishedAt = null;
    } else if (FINAL_STATUSES.has(change.to)) {
      task.finishedAt = change.at;
    } else if (change.to === 'QUEUED') {
      task.startedAt = null;
      task.finishedAt = null;
    }
    entry.task = task;
    fill(entry);
    if (!admin && !quiet) {
      announce(`Task ${shortId(task.id)} (${task.type}) is now ${task.status}.`);
    }
  }

  const stream = followEvents(admin ? '/api/events?scope=all' : '/api/events', {
    onEvent: (event) => {
      if (event.type === 'status') {
        onStatus(event.data);
      }
    },
    onState: (s, detail) => {
      liveState.dataset.state = s;
      liveState.textContent = s === 'live' ? 'Live: changes show as they happen.'
        : s === 'reconnecting' ? 'Live updates interrupted; reconnecting…'
          : detail || 'Live updates stopped.';
      if (s === 'live') {
        reloadSoon(); // whatever changed while the stream was down
      }
    },
  });

  // Running tasks' run time grows while you watch.
  const ticker = setInterval(() => {
    for (const entry of rows.values()) {
      if (entry.task.status === 'RUNNING') {
        entry.cells.run.textContent = duration(runTime(entry.task));
      }
    }
  }, 1000);

  reload();
  return {
    element, reload, insert,
    dispose() {
      stream.close();
      clearInterval(ticker);
      clearTimeout(reloadTimer);
      loading?.abort();
    },
  };
}
