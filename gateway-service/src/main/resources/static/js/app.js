// The web client's entry: a small hash router (#/tasks, #/tasks/<id>, #/admin, ...) that shows one
// view at a time in <main>, and the header that follows the session.
import { h, replaceChildren } from './dom.js';
import { zone } from './format.js';
import { session, isAdmin, end, onChange } from './session.js';
import { loginView, registerView } from './views/login.js';
import { tasksView } from './views/tasks.js';
import { taskView } from './views/task.js';
import { adminView } from './views/admin.js';
import { schedulesView } from './views/schedules.js';

const main = document.getElementById('main');
let dispose = () => {};
let logoutReason = null;

const routes = [
  { pattern: /^#\/login$/, view: () => loginView(main, { reason: takeReason() }), public: true },
  { pattern: /^#\/register$/, view: () => registerView(main), public: true },
  { pattern: /^#\/tasks$/, view: () => tasksView(main) },
  { pattern: /^#\/tasks\/([0-9a-fA-F-]{36})$/, view: (id) => taskView(main, { id, admin: false }) },
  { pattern: /^#\/schedules$/, view: () => schedulesView(main) },
  { pattern: /^#\/admin$/, view: () => adminView(main), admin: true },
  { pattern: /^#\/admin\/tasks\/([0-9a-fA-F-]{36})$/, view: (id) => taskView(main, { id, admin: true }), admin: true },
];

function takeReason() {
  const reason = logoutReason;
  logoutReason = null;
  return reason;
}

function route() {
  dispose();
  dispose = () => {};
  const hash = location.hash || '#/tasks';
  const match = routes.map((r) => ({ r, m: r.pattern.exec(hash) })).find((x) => x.m);
  if (!match) {
    showNotFound();
    return;
  }
  if (!match.r.public && !session()) {
    location.replace('#/login');
    return;
  }
  if (match.r.public && session()) {
    location.replace('#/tasks');
    return;
  }
  if (match.r.admin && !isAdmin()) {
    showNotFound();
    return;
  }
  updateHeader(hash);
  dispose = match.r.view(...match.m.slice(1)) || (() => {});
  // Moves focus to the new view's heading, so keyboard and screen-reader users start there.
  const heading = main.querySelector('h1');
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    heading.focus({ preventScroll: true });
    document.title = `${heading.textContent} · taskhive`;
  }
}

function showNotFound() {
  updateHeader('');
  replaceChildren(main, h('h1', {}, 'Page not found'),
    h('p', {}, 'There is nothing at this address. ', h('a', { href: '#/tasks' }, 'Go to your tasks'), '.'));
}

function updateHeader(hash) {
  const current = session();
  document.getElementById('nav').hidden = !current;
  document.getElementById('nav-admin').hidden = !isAdmin();
  document.getElementById('who').textContent = current ? `${current.user.username}${isAdmin() ? ' (admin)' : ''}` : '';
  for (const link of document.querySelectorAll('[data-nav]')) {
    const active = hash.startsWith(`#/${link.dataset.nav}`);
    if (active) {
      link.setAttribute('aria-current', 'page');
    } else {
      link.removeAttribute('aria-current');
    }
  }
}

onChange((current, reason) => {
  if (!current) {
    logoutReason = reason;
    if (location.hash === '#/login') {
      route();
    } else {
      location.hash = '#/login';
    }
  }
});

document.getElementById('logout').addEventListener('click', () => end(null));
document.getElementById('zone').textContent = `your time zone (${zone})`;
window.addEventListener('hashchange', route);
route();
