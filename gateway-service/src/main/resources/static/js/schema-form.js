// Form fields generated from a task type's payload schema (GET /api/task-types: the JSON Schemas the
// OpenAPI document publishes and the gateway validates against). The gateway stays the judge of what
// is valid: its problem detail ("payload.seconds must be between 0 and 60") is put next to the field
// it names.
import { h } from './dom.js';

/** The schema a field is drawn from: for a oneOf, its first alternative (the plainest form). */
function effective(schema) {
  if (Array.isArray(schema.oneOf) && schema.oneOf.length) {
    return { description: schema.description, ...schema.oneOf[0] };
  }
  if (Array.isArray(schema.anyOf) && schema.anyOf.length) {
    return { description: schema.description, ...schema.anyOf[0] };
  }
  return schema;
}

function humanize(name) {
  const words = name.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function limits(schema) {
  const parts = [];
  if (schema.minimum !== undefined && schema.maximum !== undefined) {
    parts.push(`from ${schema.minimum} to ${schema.maximum}`);
  } else if (schema.minimum !== undefined) {
    parts.push(`at least ${schema.minimum}`);
  } else if (schema.maximum !== undefined) {
    parts.push(`at most ${schema.maximum}`);
  }
  if (schema.maxLength !== undefined) {
    parts.push(`up to ${schema.maxLength} characters`);
  }
  return parts.join(', ');
}

/**
 * Fields for `schema` (an object schema), with ids prefixed by `prefix`. Returns {fields: Node[],
 * value(): payload, showError(detail): boolean (true if a field took it), clearErrors()}.
 */
export function schemaFields(schema, { prefix = 'payload', example = {} } = {}) {
  const properties = schema?.properties || {};
  const required = new Set(schema?.required || []);
  const inputs = new Map();
  const fields = [];

  for (const [name, raw] of Object.entries(properties)) {
    const field = effective(raw);
    const id = `${prefix}-${name}`;
    const hintId = `${id}-hint`;
    const errorId = `${id}-error`;
    const hint = [field.description, limits(field)].filter(Boolean).join('; ');
    const common = {
      id, name, 'aria-describedby': `${hintId} ${errorId}`, required: required.has(name),
      'aria-required': required.has(name) ? 'true' : null,
    };
    const sample = example && example[name] !== undefined ? `e.g. ${example[name]}` : null;
    let input;
    let kind;
    if (Array.isArray(field.enum)) {
      kind = 'enum';
      input = h('select', common, field.enum.map((option) => h('option', { value: option }, String(option))));
    } else if (field.type === 'boolean') {
      kind = 'boolean';
      input = h('input', { ...common, type: 'checkbox' });
    } else if (field.type === 'integer' || field.type === 'number') {
      kind = field.type;
      input = h('input', {
        ...common, type: 'number', inputmode: field.type === 'integer' ? 'numeric' : 'decimal',
        step: field.type === 'integer' ? '1' : 'any', min: field.minimum, max: field.maximum, placeholder: sample,
      });
    } else {
      kind = 'string';
      const long = (field.maxLength ?? Infinity) > 120;
      input = long
        ? h('textarea', { ...common, rows: 3, maxlength: field.maxLength, placeholder: sample })
        : h('input', { ...common, type: 'text', maxlength: field.maxLength, placeholder: sample, autocomplete: 'off' });
    }
    inputs.set(name, { input, kind, errorId });
    fields.push(h('div', { class: `field field-${kind}` },
      h('label', { for: id }, humanize(name), required.has(name) ? h('span', { class: 'required' }, ' (required)') : null),
      input,
      hint ? h('p', { class: 'hint', id: hintId }, hint) : h('span', { id: hintId, hidden: true }),
      h('p', { class: 'field-error', id: errorId, hidden: true })));
  }

  function value() {
    const payload = {};
    for (const [name, { input, kind }] of inputs) {
      if (kind === 'boolean') {
        payload[name] = input.checked;
      } else if (kind === 'integer' || kind === 'number') {
        if (input.value.trim() !== '') {
          const number = Number(input.value);
          payload[name] = Number.isNaN(number) ? input.value : number;
        }
      } else if (input.value !== '' || required.has(name)) {
        payload[name] = input.value;
      }
    }
    return payload;
  }

  function clearErrors() {
    for (const { input, errorId } of inputs.values()) {
      input.removeAttribute('aria-invalid');
      const error = document.getElementById(errorId);
      if (error) {
        error.hidden = true;
        error.textContent = '';
      }
    }
  }

  /** Puts the gateway's detail next to the field it names ("payload.<field> ..."), if any. */
  function showError(detail) {
    const match = /payload\.([A-Za-z0-9_]+)/.exec(detail || '');
    const target = match && inputs.get(match[1]);
    if (!target) {
      return false;
    }
    const error = document.getElementById(target.errorId);
    error.textContent = detail;
    error.hidden = false;
    target.input.setAttribute('aria-invalid', 'true');
    target.input.focus();
    return true;
  }

  return { fields, value, showError, clearErrors, isEmpty: inputs.size === 0 };
}
