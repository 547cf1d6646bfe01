// A user's page: submit a task of any type (the form follows the type's schema), follow one's own
// tasks live, and see one's limits.
import { h, replaceChildren, announce } from '../dom.js';
import { api, ApiError } from '../api.js';
import { schemaFields } from '../schema-form.js';
import { shortId } from '../format.js';
import { taskTable } from './task-table.js';

export function tasksView(main) {
  const submitSection = h('section', { class: 'card', 'aria-labelledby': 'submit-heading' },
    h('h2', { id: 'submit-heading' }, 'Submit a task'), h('p', {}, 'Loading the task types…'));
  const tableSlot = h('div');
  const limits = h('p', { class: 'hint', id: 'my-quotas' });
  replaceChildren(main, h('h1', {}, 'My tasks'), limits,
    h('div', { class: 'tasks-layout' }, submitSection, tableSlot));
  const showLimits = () => api.get('/api/quotas').then((q) => {
    limits.textContent = `Your limits: ${q.maxRunning.toLocaleString()} tasks running at once, `
      + `${q.maxQueued.toLocaleString()} waiting. Now ${q.running.toLocaleString()} running or about to, `
      + `${q.waiting.toLocaleString()} waiting.`;
  }).catch(() => {
    limits.textContent = '';
  });
  showLimits();

  let table = null;
  let disposed = false;
  api.get('/api/task-types').then((types) => {
    if (disposed) {
      return;
    }
    table = taskTable({ types: types.map((t) => t.key), heading: 'Your tasks', idPrefix: 'mine' });
    tableSlot.replaceWith(table.element);
    replaceChildren(submitSection, h('h2', { id: 'submit-heading' }, 'Submit a task'),
      submitForm(types, (task) => {
        table.insert(task);
        showLimits();
      }));
  }).catch((e) => {
    replaceChildren(submitSection, h('h2', { id: 'submit-heading' }, 'Submit a task'),
      h('p', { class: 'form-error', role: 'alert' },
        e instanceof ApiError ? e.detail : 'The task types could not be loaded; reload the page to try again.'));
  });
  return () => {
    disposed = true;
    table?.dispose();
  };
}

function submitForm(types, onSubmitted) {
  const typeSelect = h('select', { id: 'task-type', name: 'type', required: true },
    types.map((t) => h('option', { value: t.key }, t.key)));
  const summary = h('p', { class: 'hint', id: 'task-type-hint' });
  typeSelect.setAttribute('aria-describedby', summary.id);
  const payloadFields = h('fieldset', { class: 'payload' });
  const maxAttempts = h('input', { id: 'max-attempts', name: 'maxAttempts', type: 'number', min: 1, step: 1, inputmode: 'numeric', 'aria-describedby': 'max-attempts-hint' });
  const timeout = h('input', { id: 'timeout-seconds', name: 'timeoutSeconds', type: 'number', min: 1, step: 1, inputmode: 'numeric', 'aria-describedby': 'timeout-seconds-hint' });
  const maxAttemptsHint = h('p', { class: 'hint', id: 'max-attempts-hint' });
  const timeoutHint = h('p', { class: 'hint', id: 'timeout-seconds-hint' });
  const priority = h('select', { id: 'priority', name: 'priority', 'aria-describedby': 'priority-hint' },
    Array.from({ length: 10 }, (_, level) => h('option', { value: String(level) },
      level === 0 ? '0 (default)' : level === 9 ? '9 (highest)' : String(level))));
  const priorityHint = h('p', { class: 'hint', id: 'priority-hint' },
    'While tasks wait for a worker, higher priorities go first.');
  const runAt = h('input', { id: 'run-at', name: 'runAt', type: 'datetime-local', step: 1, 'aria-describedby': 'run-at-hint' });
  const runAtHint = h('p', { class: 'hint', id: 'run-at-hint' },
    'Your local time. Leave empty to run it at once; until then it waits as SCHEDULED and can be cancelled.');
  const formError = h('div', { class: 'form-error', role: 'alert', tabindex: '-1', hidden: true });
  const done = h('p', { class: 'notice', role: 'status', hidden: true });
  const button = h('button', { type: 'submit' }, 'Submit task');
  let fields = null;

  function showType() {
    const type = types.find((t) => t.key === typeSelect.value);
    summary.textContent = type.summary;
    fields = schemaFields(type.payloadSchema, { prefix: 'payload', example: type.examplePayload });
    replaceChildren(payloadFields, h('legend', {}, `Payload of “${type.key}”`),
      fields.isEmpty ? h('p', { class: 'hint' }, 'This type takes no payload.') : fields.fields);
    maxAttemptsHint.textContent = `Leave empty for the type’s default (${type.defaultMaxAttempts}).`;
    timeoutHint.textContent = `Seconds one attempt may run; leave empty for the type’s default (${type.timeoutSeconds} s).`;
  }
  typeSelect.addEventListener('change', showType);

  const form = h('form', { id: 'submit-form', novalidate: true },
    formError,
    h('div', { class: 'field' }, h('label', { for: typeSelect.id }, 'Task type'), typeSelect, summary),
    payloadFields,
    h('details', { class: 'options' }, h('summary', {}, 'Options'),
      h('div', { class: 'field' }, h('label', { for: maxAttempts.id }, 'Max attempts'), maxAttempts, maxAttemptsHint),
      h('div', { class: 'field' }, h('label', { for: timeout.id }, 'Timeout (seconds)'), timeout, timeoutHint),
      h('div', { class: 'field' }, h('label', { for: priority.id }, 'Priority'), priority, priorityHint),
      h('div', { class: 'field' }, h('label', { for: runAt.id }, 'Run at'), runAt, runAtHint)),
    h('div', { class: 'actions' }, button),
    done);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    formError.hidden = true;
    done.hidden = true;
    fields.clearErrors();
    const body = { type: typeSelect.value, payload: fields.value() };
    if (maxAttempts.value) {
      body.maxAttempts = Number(maxAttempts.value);
    }
    if (timeout.value) {
      body.timeoutSeconds = Number(timeout.value);
    }
    if (priority.value !== '0') {
      body.priority = Number(priority.value);
    }
    if (runAt.value) {
      // the input holds a local time without an offset; the API takes an instant
      body.runAt = new Date(runAt.value).toISOString();
    }
    button.disabled = true;
    try {
      const task = await api.post('/api/tasks', body);
      onSubmitted(task);
      replaceChildren(done, 'Submitted: ', h('a', { href: `#/tasks/${task.id}` }, `task ${shortId(task.id)}`),
        task.status === 'SCHEDULED'
          ? ` (${task.type}), scheduled for ${new Date(task.runAt).toLocaleString()}.`
          : ` (${task.type}). It shows in your tasks as it runs.`);
      done.hidden = false;
      announce(`Task ${shortId(task.id)} submitted.`);
    } catch (e) {
      const detail = e instanceof ApiError ? e.detail : 'The task could not be submitted.';
      if (!fields.showError(detail)) {
        formError.textContent = detail;
        formError.hidden = false;
        formError.focus();
      }
    } finally {
      button.disabled = false;
    }
  });

  showType();
  return form;
}
