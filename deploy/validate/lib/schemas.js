'use strict';
// Validation of Kubernetes objects against the Kubernetes API schemas, in two parts:
//
// 1. The JSON-schema validators that the kubernetes-models packages generate from the official
//    Kubernetes OpenAPI document (kubernetes-models 4.5.1: Kubernetes 1.33, which its models show:
//    Lifecycle.stopSignal and networking.k8s.io/v1 ServiceCIDR are there, 1.34's
//    Container.restartPolicyRules is not), @kubernetes-models/keda from KEDA's CRDs and
//    @kubernetes-models/prometheus-operator from the Prometheus Operator's (PodMonitor, PrometheusRule): types, required
//    fields, enums, formats. Like kubeconform without -strict, they accept fields that do not exist.
// 2. A strict pass, as `kubeconform -strict` or the API server's strict field validation: every
//    field of an object must exist in its type. The field lists come from the TypeScript
//    declarations that the same packages generate from the same schemas (*.d.ts), so both parts
//    describe the same Kubernetes version. A misspelt field (readinesProbe) is an error, not
//    silently dropped.

const fs = require('fs');
const path = require('path');

// Where each apiVersion's models live. Anything else is an error ("no schema"), never a pass.
function modelModule(apiVersion, kind) {
  if (apiVersion === 'keda.sh/v1alpha1') return `@kubernetes-models/keda/keda.sh/v1alpha1/${kind}`;
  if (apiVersion === 'monitoring.coreos.com/v1') return `@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/${kind}`;
  if (apiVersion === 'v1') return `kubernetes-models/v1/${kind}`;
  if (/^[a-z0-9.-]+\/v[0-9a-z]+$/.test(apiVersion)) return `kubernetes-models/${apiVersion}/${kind}`;
  return null;
}

// ---- a reader for the generated declarations -------------------------------------------------

function tokenize(src, file) {
  const tokens = [];
  const re = /\s+|("(?:[^"\\]|\\.)*")|('(?:[^'\\]|\\.)*')|([A-Za-z_$][\w$]*)|(-?\d+(?:\.\d+)?)|([{}<>\[\]():;?|&,=.])/gy;
  let m;
  while (re.lastIndex < src.length) {
    const start = re.lastIndex;
    m = re.exec(src);
    if (!m) throw new Error(`${file}: cannot read type declarations at ${JSON.stringify(src.slice(start, start + 40))}`);
    if (m[1] !== undefined || m[2] !== undefined) tokens.push({ t: 'str', v: JSON.parse(m[1] !== undefined ? m[1] : `"${m[2].slice(1, -1)}"`) });
    else if (m[3] !== undefined) tokens.push({ t: 'id', v: m[3] });
    else if (m[4] !== undefined) tokens.push({ t: 'num', v: m[4] });
    else if (m[5] !== undefined) tokens.push({ t: 'p', v: m[5] });
  }
  return tokens;
}

const PRIMITIVES = new Set(['string', 'number', 'boolean', 'any', 'unknown', 'null', 'undefined', 'object', 'never', 'Date', 'true', 'false']);

class TypeParser {
  constructor(tokens, file) {
    this.tokens = tokens;
    this.i = 0;
    this.file = file;
  }

  peek(offset = 0) { return this.tokens[this.i + offset]; }

  is(v, offset = 0) {
    const tok = this.peek(offset);
    return tok && tok.t === 'p' && tok.v === v;
  }

  expect(v) {
    const tok = this.tokens[this.i++];
    if (!tok || tok.v !== v) throw new Error(`${this.file}: expected "${v}", found ${tok ? JSON.stringify(tok.v) : 'the end'}`);
  }

  type() {
    if (this.is('|')) this.i++;
    const members = [this.postfix()];
    while (this.is('|')) {
      this.i++;
      members.push(this.postfix());
    }
    return members.length === 1 ? members[0] : { kind: 'union', members };
  }

  postfix() {
    let node = this.primary();
    while (this.is('[') && this.is(']', 1)) {
      this.i += 2;
      node = { kind: 'array', of: node };
    }
    return node;
  }

  primary() {
    const tok = this.tokens[this.i++];
    if (!tok) throw new Error(`${this.file}: unexpected end of a type`);
    if (tok.t === 'p' && tok.v === '{') return this.objectBody();
    if (tok.t === 'p' && tok.v === '(') {
      const inner = this.type();
      this.expect(')');
      return inner;
    }
    if (tok.t === 'str' || tok.t === 'num') return { kind: 'literal' };
    if (tok.t === 'id') {
      if (tok.v === 'Array' && this.is('<')) {
        this.i++;
        const of = this.type();
        this.expect('>');
        return { kind: 'array', of };
      }
      if (tok.v === 'Record' && this.is('<')) {
        this.i++;
        this.type();
        this.expect(',');
        const value = this.type();
        this.expect('>');
        return { kind: 'object', props: new Map(), index: value };
      }
      if (PRIMITIVES.has(tok.v)) return { kind: 'primitive' };
      if (this.is('<')) throw new Error(`${this.file}: generic type ${tok.v}<...> is not supported`);
      return { kind: 'ref', name: tok.v, file: this.file };
    }
    throw new Error(`${this.file}: unexpected ${JSON.stringify(tok.v)} in a type`);
  }

  // after "{"
  objectBody() {
    const props = new Map();
    let index = null;
    while (!this.is('}')) {
      if (this.is('[')) {
        this.i++;
        this.tokens[this.i++]; // key name
        this.expect(':');
        this.type();
        this.expect(']');
        this.expect(':');
        index = this.type();
      } else {
        const key = this.tokens[this.i++];
        if (!key || (key.t !== 'str' && key.t !== 'id')) throw new Error(`${this.file}: expected a property name`);
        let optional = false;
        if (this.is('?')) {
          this.i++;
          optional = true;
        }
        this.expect(':');
        props.set(key.v, { type: this.type(), optional });
      }
      if (this.is(';') || this.is(',')) this.i++;
    }
    this.expect('}');
    return { kind: 'object', props, index };
  }
}

const fileCache = new Map();

function readDeclarations(file) {
  if (fileCache.has(file)) return fileCache.get(file);
  const src = fs.readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/^\s*\/\/.*$/gm, ' ');
  const imports = new Map(); // local name -> { module, name }
  for (const m of src.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*"([^"]+)"\s*;/g)) {
    for (const spec of m[1].split(',').map((s) => s.trim()).filter(Boolean)) {
      const [imported, local] = spec.split(/\s+as\s+/).map((s) => s.trim());
      imports.set(local || imported, { module: m[2], name: imported });
    }
  }
  const aliases = new Map(); // exported name -> local name
  for (const m of src.matchAll(/export\s*\{([^}]*)\}\s*;/g)) {
    for (const spec of m[1].split(',').map((s) => s.trim()).filter(Boolean)) {
      const [local, exported] = spec.split(/\s+as\s+/).map((s) => s.trim());
      if (exported) aliases.set(exported, local);
    }
  }
  const decls = new Map(); // name -> { type, extends: [names] }
  for (const m of src.matchAll(/export\s+interface\s+([\w$]+)\s*(?:extends\s+([^{]+))?\{/g)) {
    const start = m.index + m[0].length;
    const tokens = tokenize(src.slice(start, matchingBrace(src, start - 1, file)), file);
    tokens.push({ t: 'p', v: '}' });
    const type = new TypeParser(tokens, file).objectBody();
    const ext = m[2] ? m[2].split(',').map((s) => s.trim()).filter(Boolean) : [];
    decls.set(m[1], { type, extends: ext });
  }
  for (const m of src.matchAll(/export\s+declare\s+type\s+([\w$]+)\s*=\s*/g)) {
    const start = m.index + m[0].length;
    const end = statementEnd(src, start);
    const parser = new TypeParser(tokenize(src.slice(start, end), file), file);
    decls.set(m[1], { type: parser.type(), extends: [] });
  }
  const result = { file, imports, aliases, decls };
  fileCache.set(file, result);
  return result;
}

function matchingBrace(src, open, file) {
  let depth = 0;
  for (let i = open; i < src.length; i++) {
    if (src[i] === '{') depth++;
    else if (src[i] === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  throw new Error(`${file}: unbalanced braces`);
}

function statementEnd(src, start) {
  let depth = 0;
  for (let i = start; i < src.length; i++) {
    const c = src[i];
    if (c === '{' || c === '(' || c === '<' || c === '[') depth++;
    else if (c === '}' || c === ')' || c === '>' || c === ']') depth--;
    else if (c === ';' && depth === 0) return i;
  }
  return src.length;
}

function resolveModuleFile(fromFile, spec) {
  let base;
  if (spec.startsWith('.')) base = path.resolve(path.dirname(fromFile), spec);
  else {
    const segments = spec.split('/');
    const pkgName = spec.startsWith('@') ? segments.slice(0, 2).join('/') : segments[0];
    const rest = segments.slice(spec.startsWith('@') ? 2 : 1).join('/');
    const pkgJson = require.resolve(`${pkgName}/package.json`, { paths: [path.dirname(fromFile), __dirname] });
    base = path.join(path.dirname(pkgJson), rest);
  }
  for (const candidate of [`${base}.d.ts`, path.join(base, 'index.d.ts')]) {
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new Error(`${fromFile}: cannot find declarations of ${spec}`);
}

// name as seen from `file` -> { decl, file }
function resolveName(file, name, depth = 0) {
  if (depth > 20) throw new Error(`${file}: too many re-exports of ${name}`);
  const d = readDeclarations(file);
  const local = d.aliases.get(name) || name;
  if (d.decls.has(local)) return { decl: d.decls.get(local), file };
  if (d.imports.has(local)) {
    const imp = d.imports.get(local);
    return resolveName(resolveModuleFile(file, imp.module), imp.name, depth + 1);
  }
  return null;
}

// ---- the strict walk -------------------------------------------------------------------------

function walk(value, type, file, where, errors) {
  if (value === null || value === undefined) return;
  switch (type.kind) {
    case 'primitive':
    case 'literal':
      return;
    case 'array':
      if (Array.isArray(value)) value.forEach((v, i) => walk(v, type.of, file, `${where}/${i}`, errors));
      return;
    case 'union': {
      const structured = type.members.filter((m) => m.kind !== 'primitive' && m.kind !== 'literal');
      if (structured.length === 1) walk(value, structured[0], file, where, errors);
      return;
    }
    case 'ref': {
      const r = resolveName(type.file || file, type.name);
      if (!r) throw new Error(`${file}: cannot resolve type ${type.name}`);
      walkDecl(value, r.decl, r.file, where, errors);
      return;
    }
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) return; // the JSON schema reports the type
      for (const [key, v] of Object.entries(value)) {
        if (type.props.has(key)) walk(v, type.props.get(key).type, file, `${where}/${key}`, errors);
        else if (type.index) walk(v, type.index, file, `${where}/${key}`, errors);
        else errors.push(`${where}/${key}: unknown field "${key}"`);
      }
      return;
    }
    default:
      throw new Error(`unknown type node ${type.kind}`);
  }
}

function walkDecl(value, decl, file, where, errors) {
  if (decl.type.kind !== 'object' || decl.extends.length === 0) {
    walk(value, decl.type, file, where, errors);
    return;
  }
  // merge the members of extended interfaces
  const props = new Map(decl.type.props);
  let index = decl.type.index;
  for (const ext of decl.extends) {
    if (ext === 'TypeMeta') {
      props.set('apiVersion', { type: { kind: 'primitive' } });
      props.set('kind', { type: { kind: 'primitive' } });
      continue;
    }
    const r = resolveName(file, ext);
    if (!r || r.decl.type.kind !== 'object') throw new Error(`${file}: cannot resolve base interface ${ext}`);
    for (const [k, v] of r.decl.type.props) if (!props.has(k)) props.set(k, { ...v, type: { ...v.type, file: r.file } });
    index = index || r.decl.type.index;
  }
  walk(value, { kind: 'object', props, index }, file, where, errors);
}

// ---- public ----------------------------------------------------------------------------------

/** Validates one object; returns a list of error strings (empty when valid). */
function validateObject(obj) {
  const { apiVersion, kind } = obj;
  const mod = apiVersion && kind ? modelModule(apiVersion, kind) : null;
  if (!mod) return [`no schema for apiVersion ${apiVersion} kind ${kind}`];
  let jsFile;
  try {
    jsFile = require.resolve(mod);
  } catch (e) {
    return [`no schema for apiVersion ${apiVersion} kind ${kind} (${mod} does not exist)`];
  }
  const Model = require(jsFile)[kind];
  if (typeof Model !== 'function' || Model.apiVersion !== apiVersion || Model.kind !== kind) {
    return [`no schema for apiVersion ${apiVersion} kind ${kind}`];
  }
  const errors = [];
  try {
    new Model(obj).validate();
  } catch (e) {
    const details = Array.isArray(e.errors) && e.errors.length > 0
      ? e.errors.map((x) => `${x.instancePath || '/'} ${x.message}${x.params && x.params.allowedValues ? ` (${x.params.allowedValues.join(', ')})` : ''}`)
      : [e.message];
    errors.push(...details.map((d) => `schema: ${d}`));
  }
  const dts = jsFile.replace(/\.js$/, '.d.ts');
  const root = resolveName(dts, `I${kind}`);
  if (!root) return [...errors, `no type declarations for ${kind} in ${dts}`];
  const strict = [];
  walkDecl(obj, root.decl, root.file, '', strict);
  errors.push(...strict.map((s) => `strict: ${s}`));
  return errors;
}

module.exports = { validateObject, modelModule };
