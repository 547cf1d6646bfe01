// One task: its details, payload, result, error and the history of its status changes as a
// timeline, with cancel and retry; it follows the task's own event stream while the task is live.
import { h, replaceChildren, announce } from '../dom.js';
import { api, ApiError, download } from '../api.js';
import { followEvents } from '../events.js';
import {
  timeElement, duration, runTime, shortId, statusBadge, json, FINAL_STATUSES,
} from '../format.js';
import { actionsFor, performAction } from './task-table.js';

export function taskView(main, { id, admin }) {
  const base = admin ? `/api/admin/tasks/${id}` : `/api/tasks/${id}`;
  const back = admin ? h('a', { href: '#/admin' }, '← Admin console') : h('a', { href: '#/tasks' }, '← My tasks');
  const heading = h('h1', {}, `Task ${shortId(id)}`);
  const content = h('div', { class: 'task-page' }, h('p', {}, 'Loading…'));
  const message = h('div', { class: 'form-error', role: 'alert', hidden: true });
  const liveState = h('p', { class: 'live-state' });
  replaceChildren(main, h('p', { class: 'breadcrumb' }, back), heading, message, liveState, content);

  let task = null;
  let stream = null;
  let ticker = null;
  let disposed = false;

  async function load() {
    try {
      const loaded = await api.get(base);
      if (disposed) {
        return;
      }
      if (task && task.status !== loaded.status) {
        announce(`Task ${shortId(id)} is now ${loaded.status}.`);
      }
      task = loaded;
      render();
      if (!FINAL_STATUSES.has(task.status)) {
        follow();
      }
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) {
        replaceChildren(content, h('p', { class: 'empty' },
          'There is no such task, or it is not yours. ', admin ? null : h('a', { href: '#/tasks' }, 'Back to your tasks'), '.'));
        liveState.textContent = '';
      } else {
        message.textContent = e instanceof ApiError ? e.detail : 'The task could not be loaded.';
        message.hidden = false;
      }
    }
  }

  let reloadTimer;
  function follow() {
    if (stream) {
      return;
    }
    stream = followEvents(`${base}/events`, {
      onEvent: (event) => {
        if (event.type === 'status') {
          clearTimeout(reloadTimer);
          reloadTimer = setTimeout(load, 150);
        }
      },
      onState: (s, detail) => {
        liveState.textContent = s === 'live' ? 'Live: this page follows the task as it runs.'
          : s === 'reconnecting' ? 'Live updates interrupted; reconnecting…'
            : s === 'closed' ? '' : detail || '';
        if (s === 'closed' || s === 'failed') {
          stream = null;
        }
      },
      shouldReconnect: () => !(task && FINAL_STATUSES.has(task.status)),
    });
  }

  function render() {
    replaceChildren(heading, `Task ${shortId(task.id)} `, statusBadge(task.status));
    const actions = actionsFor(task, admin).map((action) => h('button', {
      type: 'button', class: action === 'cancel' ? 'danger' : '', onclick: (event) => act(action, event.currentTarget),
    }, action === 'cancel' ? 'Cancel task' : 'Retry task'));
    const run = h('dd', { id: 'run-time' }, duration(runTime(task)));
    clearInterval(ticker);
    if (task.status === 'RUNNING') {
      ticker = setInterval(() => { run.textContent = duration(runTime(task)); }, 1000);
    }
    replaceChildren(content,
      actions.length ? h('div', { class: 'actions' }, actions) : null,
      h('dl', { class: 'details' },
        h('dt', {}, 'Id'), h('dd', { class: 'mono' }, task.id),
        h('dt', {}, 'Type'), h('dd', {}, task.type),
        h('dt', {}, 'Status'), h('dd', { id: 'task-status' }, statusBadge(task.status)),
        h('dt', {}, 'Attempts'), h('dd', {}, `${task.attempts} of ${task.maxAttempts}`),
        h('dt', {}, 'Priority'), h('dd', { id: 'task-priority' }, String(task.priority ?? 0)),
        h('dt', {}, 'Submitted'), h('dd', {}, timeElement(task.createdAt)),
        task.runAt ? [h('dt', {}, 'Scheduled for'), h('dd', { id: 'task-run-at' }, timeElement(task.runAt))] : null,
        h('dt', {}, 'Started'), h('dd', {}, timeElement(task.startedAt)),
        h('dt', {}, 'Finished'), h('dd', {}, timeElement(task.finishedAt)),
        h('dt', {}, 'Run time'), run,
        h('dt', {}, 'Worker'), h('dd', { class: 'mono' }, task.workerId || '—'),
        admin ? [h('dt', {}, 'Owner id'), h('dd', {}, String(task.ownerId))] : null,
        task.timeoutSeconds ? [h('dt', {}, 'Timeout'), h('dd', {}, `${task.timeoutSeconds} s`)] : null,
        task.idempotencyKey ? [h('dt', {}, 'Idempotency key'), h('dd', { class: 'mono' }, task.idempotencyKey)] : null),
      h('section', { 'aria-labelledby': 'payload-heading' },
        h('h2', { id: 'payload-heading' }, 'Payload'),
        h('pre', { class: 'json', id: 'task-payload', tabindex: '0', 'aria-labelledby': 'payload-heading' }, json(task.payload))),
      h('section', { 'aria-labelledby': 'result-heading' },
        h('h2', { id: 'result-heading' }, 'Result'),
        task.result !== null && task.result !== undefined
          ? h('pre', { class: 'json', id: 'task-result', tabindex: '0', 'aria-labelledby': 'result-heading' }, json(task.result))
          : h('p', { class: 'empty' }, task.status === 'SUCCEEDED' ? 'No result.'
            : FINAL_STATUSES.has(task.status) ? 'No result: the task did not succeed.' : 'No result yet.'),
        task.artifact ? fileDownload(task) : null),
      task.error ? h('section', { 'aria-labelledby': 'error-heading' },
        h('h2', { id: 'error-heading' }, 'Error'),
        h('pre', { class: 'error-text', id: 'task-error', tabindex: '0', 'aria-labelledby': 'error-heading' }, task.error)) : null,
      h('section', { 'aria-labelledby': 'history-heading' },
        h('h2', { id: 'history-heading' }, 'History'),
        timeline(withSubmission(task))));
  }

  async function act(action, button) {
    button.disabled = true;
    message.hidden = true;
    try {
      task = { ...task, ...(await performAction(action, task, admin)) };
      announce(`Task ${shortId(id)} is now ${task.status}.`);
      await load();
      if (!FINAL_STATUSES.has(task.status)) {
        follow();
      }
    } catch (e) {
      message.textContent = e instanceof ApiError ? e.detail : 'That did not work; please try again.';
      message.hidden = false;
      button.disabled = false;
    }
  }

  load();
  return () => {
    disposed = true;
    stream?.close();
    clearInterval(ticker);
    clearTimeout(reloadTimer);
  };
}

/**
 * The history, starting with the submission: where the stored history has no entry for it (the
 * first QUEUED or SCHEDULED), one is made from the task's creation time, so the timeline always starts there.
 */
function withSubmission(task) {
  const history = task.history || [];
  if (history.length && history[0].from === null) {
    return history;
  }
  return [{ from: null, to: 'QUEUED', at: task.createdAt, attempt: 0, workerId: null, detail: null }, ...history];
}

function timeline(history) {
  if (!history.length) {
    return h('p', { class: 'empty' }, 'No status changes recorded yet.');
  }
  return h('ol', { class: 'timeline', id: 'task-history' }, history.map((t) => h('li', { 'data-status': t.to },
    h('div', { class: 'timeline-head' }, statusBadge(t.to), ' ', timeElement(t.at)),
    h('p', { class: 'timeline-meta' },
      t.from ? `from ${t.from}` : 'submitted',
      t.attempt ? ` · attempt ${t.attempt}` : '',
      t.workerId ? ` · worker ${t.workerId}` : ''),
    t.detail ? h('p', { class: 'timeline-detail' }, t.detail) : null)));
}

/** The result file's download button (report and other types that make a file). */
function fileDownload(task) {
  const { artifact } = task;
  const name = `${task.id}-${task.result?.file?.name || 'result'}`;
  const status = h('span', { class: 'download-status', role: 'status' });
  const button = h('button', { type: 'button', id: 'task-download', class: 'secondary' },
    `Download the file (${artifact.size.toLocaleString()} bytes, ${artifact.contentType.split(';')[0]})`);
  button.addEventListener('click', async () => {
    button.disabled = true;
    status.textContent = '';
    try {
      await download(artifact.url, name);
    } catch (e) {
      status.textContent = e instanceof ApiError ? e.detail : 'The download failed.';
    } finally {
      button.disabled = false;
    }
  });
  return h('p', { class: 'file-download' }, button, ' ', status,
    h('span', { class: 'mono sha' }, ` sha256 ${artifact.sha256}`));
}
