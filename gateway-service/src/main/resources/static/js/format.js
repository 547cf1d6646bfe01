// Times in the browser's own zone and language; durations in words people read at a glance.

const dateTime = new Intl.DateTimeFormat(undefined, {
  year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit',
});
const timeOnly = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

export const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;

import { h } from './dom.js';

/** A <time> element: local date and time, the exact instant in its datetime attribute and tooltip. */
export function timeElement(iso, { short = false } = {}) {
  if (!iso) {
    return '—';
  }
  const date = new Date(iso);
  const sameDay = new Date().toDateString() === date.toDateString();
  const text = short && sameDay ? timeOnly.format(date) : dateTime.format(date);
  return h('time', { datetime: iso, title: date.toString() }, text);
}

export function clockTime(date) {
  return clock.format(date);
}

/** 850 ms, 2.4 s, 3 min 5 s, 2 h 10 min. */
export function duration(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) {
    return '—';
  }
  if (ms < 1000) {
    return `${Math.round(ms)} ms`;
  }
  const seconds = ms / 1000;
  if (seconds < 60) {
    return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`;
  }
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) {
    return `${minutes} min ${Math.round(seconds % 60)} s`;
  }
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** How long a task has run: to its end, or until now while it runs. */
export function runTime(task, now = Date.now()) {
  if (!task.startedAt) {
    return null;
  }
  const end = task.finishedAt ? Date.parse(task.finishedAt) : now;
  return Math.max(0, end - Date.parse(task.startedAt));
}

/** "4 s ago". */
export function age(iso, now = Date.now()) {
  if (!iso) {
    return '—';
  }
  return `${duration(Math.max(0, now - Date.parse(iso)))} ago`;
}

export function shortId(id) {
  return String(id).slice(0, 8);
}

export const FINAL_STATUSES = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED', 'DEAD']);
export const STATUSES = ['SCHEDULED', 'QUEUED', 'RUNNING', 'RETRYING', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'DEAD'];

export function statusBadge(status) {
  return h('span', { class: `status status-${String(status).toLowerCase()}`, 'data-status': status }, status);
}

export function json(value) {
  return JSON.stringify(value, null, 2);
}
