// Logging in and registering.
import { h, replaceChildren, announce } from '../dom.js';
import { api, ApiError } from '../api.js';
import { begin } from '../session.js';

function credentialsForm({ id, submitLabel, passwordAutocomplete, onSubmit }) {
  const error = h('div', { class: 'form-error', id: `${id}-error`, role: 'alert', tabindex: '-1', hidden: true });
  const username = h('input', {
    id: `${id}-username`, name: 'username', type: 'text', autocomplete: 'username', required: true,
    autocapitalize: 'none', spellcheck: 'false', 'aria-describedby': `${id}-username-hint ${id}-error`,
  });
  const password = h('input', {
    id: `${id}-password`, name: 'password', type: 'password', autocomplete: passwordAutocomplete, required: true,
    'aria-describedby': `${id}-password-hint ${id}-error`,
  });
  const button = h('button', { type: 'submit' }, submitLabel);
  const form = h('form', { id, class: 'card narrow', novalidate: true },
    error,
    h('div', { class: 'field' }, h('label', { for: username.id }, 'Username'), username,
      h('p', { class: 'hint', id: `${id}-username-hint` }, '3 to 32 letters, digits, “.”, “_” or “-”.')),
    h('div', { class: 'field' }, h('label', { for: password.id }, 'Password'), password,
      h('p', { class: 'hint', id: `${id}-password-hint` }, 'At least 8 characters.')),
    h('div', { class: 'actions' }, button));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.hidden = true;
    button.disabled = true;
    try {
      await onSubmit(username.value.trim(), password.value);
    } catch (e) {
      error.textContent = e instanceof ApiError ? e.detail : 'Something went wrong; please try again.';
      error.hidden = false;
      (e instanceof ApiError && /password/i.test(e.detail) ? password : username).setAttribute('aria-invalid', 'true');
      error.focus?.();
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

async function logIn(username, password) {
  const login = await api.post('/api/auth/login', { username, password });
  begin(login);
  announce(`Logged in as ${login.user.username}.`);
  location.hash = login.user.role === 'ADMIN' ? '#/admin' : '#/tasks';
}

export function loginView(main, { reason } = {}) {
  replaceChildren(main,
    h('h1', {}, 'Log in'),
    reason ? h('p', { class: 'notice', role: 'status' }, reason) : null,
    credentialsForm({ id: 'login', submitLabel: 'Log in', passwordAutocomplete: 'current-password', onSubmit: logIn }),
    h('p', {}, 'New here? ', h('a', { href: '#/register' }, 'Create an account'), '.'));
}

export function registerView(main) {
  replaceChildren(main,
    h('h1', {}, 'Create an account'),
    credentialsForm({
      id: 'register', submitLabel: 'Create account', passwordAutocomplete: 'new-password',
      onSubmit: async (username, password) => {
        await api.post('/api/auth/register', { username, password });
        await logIn(username, password);
      },
    }),
    h('p', {}, 'Already registered? ', h('a', { href: '#/login' }, 'Log in'), '.'));
}
