// Building DOM without HTML strings: text always goes in as text nodes (never innerHTML), so a task's
// payload or result holding markup is shown as the characters it is.

/**
 * h('a', {href: '#/x', class: 'btn', onclick: fn}, 'text', child, [more]) : an element. Attributes
 * named on* become listeners; `hidden`, `disabled` and the like are set when true; null/undefined/false
 * children are skipped; strings and numbers become text nodes.
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  setAttributes(element, attributes);
  append(element, children);
  return element;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** An SVG element (charts); same rules as h(). */
export function svg(tag, attributes = {}, ...children) {
  const element = document.createElementNS(SVG_NS, tag);
  setAttributes(element, attributes);
  append(element, children);
  return element;
}

function setAttributes(element, attributes) {
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined || value === false) {
      continue;
    }
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else if (value === true) {
      element.setAttribute(name, '');
    } else {
      element.setAttribute(name, String(value));
    }
  }
}

export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) {
      continue;
    }
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

/** Replaces everything inside the element. */
export function replaceChildren(parent, ...children) {
  parent.replaceChildren();
  return append(parent, children);
}

const announcer = () => document.getElementById('announcer');
let announceTimer;

/**
 * Says something to screen-reader users through the polite live region. Messages arriving close
 * together are joined, so a burst of status changes is read once rather than cut off.
 */
export function announce(message) {
  const region = announcer();
  if (!region) {
    return;
  }
  const pending = region.dataset.pending ? region.dataset.pending + ' ' : '';
  region.dataset.pending = pending + message;
  clearTimeout(announceTimer);
  announceTimer = setTimeout(() => {
    region.textContent = region.dataset.pending;
    delete region.dataset.pending;
  }, 400);
}
