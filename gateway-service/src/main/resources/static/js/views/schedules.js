// A user's recurring schedules: create one (a task, and when: every N seconds or a cron in a time
// zone), see each one's next runs and the last task it created, pause, resume or delete it.
import { h, replaceChildren, announce } from '../dom.js';
import { api, ApiError } from '../api.js';
import { timeElement, shortId } from '../format.js';

export function schedulesView(main) {
  const message = h('div', { class: 'form-error', role: 'alert', hidden: true });
  const listSlot = h('div', { class: 'table-wrap' }, h('p', {}, 'Loading your schedules…'));
  const formSection = h('section', { class: 'card', 'aria-labelledby': 'new-schedule-heading' },
    h('h2', { id: 'new-schedule-heading' }, 'New schedule'), h('p', {}, 'Loading the task types…'));
  replaceChildren(main, h('h1', {}, 'My schedules'),
    h('p', { class: 'hint' }, 'Each schedule submits its task once per slot, exactly once however many gateways run.'),
    h('div', { class: 'tasks-layout' }, formSection,
      h('section', { class: 'card', 'aria-labelledby': 'schedules-heading' },
        h('h2', { id: 'schedules-heading' }, 'Your schedules'), message, listSlot)));

  let disposed = false;
  const showError = (e, fallback) => {
    message.textContent = e instanceof ApiError ? e.detail : fallback;
    message.hidden = false;
  };

  async function reload() {
    try {
      const { schedules } = await api.get('/api/schedules');
      if (!disposed) {
        replaceChildren(listSlot, schedules.length ? table(schedules) : h('p', { class: 'empty' }, 'No schedules yet.'));
      }
    } catch (e) {
      showError(e, 'Your schedules could not be loaded.');
    }
  }

  async function act(label, call) {
    message.hidden = true;
    try {
      await call();
      announce(label);
      await reload();
    } catch (e) {
      showError(e, 'That did not work; try again.');
    }
  }

  function table(schedules) {
    return h('table', { class: 'schedules' },
      h('caption', { class: 'visually-hidden' }, 'Your schedules, oldest first'),
      h('thead', {}, h('tr', {}, ['Name', 'When', 'Task', 'Next runs', 'Last task', 'State', 'Actions']
        .map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, schedules.map((s) => h('tr', { 'data-schedule-id': s.id },
        h('th', { scope: 'row', 'data-label': 'Name' }, s.name),
        h('td', { 'data-label': 'When' }, s.cron ? `cron ${s.cron} (${s.timeZone})` : `every ${s.intervalSeconds} s`),
        h('td', { 'data-label': 'Task' }, s.task.priority ? `${s.task.type}, priority ${s.task.priority}` : s.task.type),
        h('td', { 'data-label': 'Next runs', class: 'cell-next' }, s.nextRunTimes.length
          ? h('ul', { class: 'plain' }, s.nextRunTimes.slice(0, 3).map((t) => h('li', {}, timeElement(t))))
          : '—'),
        h('td', { 'data-label': 'Last task', class: 'cell-last' }, s.lastTaskId
          ? h('a', { href: `#/tasks/${s.lastTaskId}` }, `task ${shortId(s.lastTaskId)}`) : '—'),
        h('td', { 'data-label': 'State', class: 'cell-state' }, s.paused ? 'Paused' : 'Active'),
        h('td', { 'data-label': 'Actions' },
          h('button', {
            type: 'button', class: 'small',
            'aria-label': `${s.paused ? 'Resume' : 'Pause'} schedule ${s.name}`,
            onclick: () => act(`Schedule ${s.name} ${s.paused ? 'resumed' : 'paused'}.`,
              () => api.patch(`/api/schedules/${s.id}`, { paused: !s.paused })),
          }, s.paused ? 'Resume' : 'Pause'), ' ',
          h('button', {
            type: 'button', class: 'danger small', 'aria-label': `Delete schedule ${s.name}`,
            onclick: () => act(`Schedule ${s.name} deleted.`, () => api.delete(`/api/schedules/${s.id}`)),
          }, 'Delete'))))));
  }

  api.get('/api/task-types').then((types) => {
    if (!disposed) {
      replaceChildren(formSection, h('h2', { id: 'new-schedule-heading' }, 'New schedule'),
        scheduleForm(types, async (created) => {
          announce(`Schedule ${created.name} created.`);
          await reload();
        }));
    }
  }).catch((e) => {
    replaceChildren(formSection, h('h2', { id: 'new-schedule-heading' }, 'New schedule'),
      h('p', { class: 'form-error', role: 'alert' },
        e instanceof ApiError ? e.detail : 'The task types could not be loaded; reload the page to try again.'));
  });
  reload();
  // the next runs move on by themselves: show them afresh now and then
  const refresh = setInterval(reload, 15_000);
  return () => {
    disposed = true;
    clearInterval(refresh);
  };
}

function scheduleForm(types, onCreated) {
  const field = (id, label, input, hint) => h('div', { class: 'field' }, h('label', { for: id }, label), input,
    hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null);
  const name = h('input', { id: 'schedule-name', name: 'name', required: true, maxlength: 100, autocomplete: 'off' });
  const type = h('select', { id: 'schedule-type', name: 'type' }, types.map((t) => h('option', { value: t.key }, t.key)));
  const payload = h('textarea', { id: 'schedule-payload', name: 'payload', rows: 3, spellcheck: 'false',
    'aria-describedby': 'schedule-payload-hint' });
  const interval = h('input', { id: 'schedule-interval', name: 'intervalSeconds', type: 'number', min: 1, step: 1,
    inputmode: 'numeric', 'aria-describedby': 'schedule-interval-hint' });
  const cron = h('input', { id: 'schedule-cron', name: 'cron', autocomplete: 'off', spellcheck: 'false',
    'aria-describedby': 'schedule-cron-hint' });
  const zone = h('input', { id: 'schedule-zone', name: 'timeZone', autocomplete: 'off',
    value: Intl.DateTimeFormat().resolvedOptions().timeZone });
  const missed = h('select', { id: 'schedule-missed', name: 'missedRunPolicy', 'aria-describedby': 'schedule-missed-hint' },
    [['SKIP', 'Skip them'], ['RUN_ONCE', 'Run once'], ['RUN_ALL', 'Run each (at most 10)']]
      .map(([value, text]) => h('option', { value }, text)));
  const formError = h('div', { class: 'form-error', role: 'alert', tabindex: '-1', hidden: true });
  const button = h('button', { type: 'submit' }, 'Create schedule');
  const example = () => {
    const chosen = types.find((t) => t.key === type.value);
    payload.value = JSON.stringify(chosen.examplePayload ?? {});
  };
  type.addEventListener('change', example);
  example();

  const form = h('form', { id: 'schedule-form', novalidate: true }, formError,
    field(name.id, 'Name', name),
    field(type.id, 'Task type', type),
    field(payload.id, 'Payload (JSON)', payload, 'The task each slot submits; the type’s example to start from.'),
    field(interval.id, 'Every (seconds)', interval, 'Either this, or a cron below.'),
    field(cron.id, 'Cron', cron, 'Six fields, seconds first: 0 0 9 * * MON-FRI, or @hourly, @daily.'),
    field(zone.id, 'Time zone of the cron', zone),
    field(missed.id, 'Slots missed while no gateway ran', missed,
      'What happens to slots that passed while taskhive was down.'),
    h('div', { class: 'actions' }, button));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    formError.hidden = true;
    let parsed;
    try {
      parsed = JSON.parse(payload.value || '{}');
    } catch {
      formError.textContent = 'The payload is not valid JSON.';
      formError.hidden = false;
      formError.focus();
      return;
    }
    const body = { name: name.value, task: { type: type.value, payload: parsed }, missedRunPolicy: missed.value };
    if (interval.value) {
      body.intervalSeconds = Number(interval.value);
    }
    if (cron.value) {
      body.cron = cron.value;
      body.timeZone = zone.value;
    }
    button.disabled = true;
    try {
      const created = await api.post('/api/schedules', body);
      form.reset();
      zone.value = Intl.DateTimeFormat().resolvedOptions().timeZone;
      example();
      await onCreated(created);
    } catch (e) {
      formError.textContent = e instanceof ApiError ? e.detail : 'The schedule could not be created.';
      formError.hidden = false;
      formError.focus();
    } finally {
      button.disabled = false;
    }
  });
  return form;
}
