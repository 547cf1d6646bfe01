'use strict';
// Kustomize rendering for validate.js: the real thing, `kubectl kustomize` (kubectl's built-in
// Kustomize), so that what is validated is exactly what `kubectl apply -k` would apply. (An
// earlier private renderer for the features k8s/ used could drift from Kustomize; it is gone.)

const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const YAML = require('yaml');

const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

function findKustomizationFile(dir) {
  for (const name of KUSTOMIZATION_FILES) {
    const file = path.join(dir, name);
    if (fs.existsSync(file) && fs.statSync(file).isFile()) return file;
  }
  return null;
}

/** The objects of a multi-document YAML text; where names the source in errors. */
function parseYamlText(text, where) {
  const objects = [];
  for (const doc of YAML.parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`${where}: YAML error: ${doc.errors[0].message}`);
    const value = doc.toJS({ maxAliasCount: -1 });
    if (value === null || value === undefined) continue;
    if (typeof value !== 'object' || Array.isArray(value)) throw new Error(`${where}: a resource document must be a mapping`);
    objects.push(value);
  }
  return objects;
}

function parseYamlDocuments(file) {
  return parseYamlText(fs.readFileSync(file, 'utf8'), file);
}

function resourceId(obj) {
  const ns = obj.metadata && obj.metadata.namespace ? obj.metadata.namespace : '';
  return `${obj.apiVersion}/${obj.kind}/${ns}/${obj.metadata && obj.metadata.name}`;
}

function kubectlPath() {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    const p = path.join(dir, 'kubectl');
    if (dir && fs.existsSync(p)) return p;
  }
  return null;
}

/** The objects `kubectl kustomize dir` renders; its error message when it refuses. */
function render(dir) {
  const kubectl = kubectlPath();
  if (!kubectl) throw new Error('kubectl is not installed: it renders the kustomizations (kubectl kustomize)');
  let out;
  try {
    out = execFileSync(kubectl, ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    throw new Error(`kubectl kustomize ${dir}: ${String(e.stderr || e.message).trim()}`);
  }
  return parseYamlText(out, `kubectl kustomize ${dir}`);
}

function kubectlVersion() {
  const kubectl = kubectlPath();
  if (!kubectl) return null;
  try {
    return execFileSync(kubectl, ['version', '--client'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split('\n').filter(Boolean).join(', ');
  } catch (e) {
    return null;
  }
}

module.exports = { render, resourceId, findKustomizationFile, parseYamlDocuments, kubectlVersion };
