'use strict';
// A small Kustomize renderer for the features taskhive's k8s/ uses, so that the manifests can be
// rendered where no kustomize or kubectl binary is available. It supports, and only supports:
//   Kustomization (kustomize.config.k8s.io/v1beta1) and Component (v1alpha1) with the fields
//   resources (files and folders), components, namespace, images (name/newName/newTag/digest)
//   and patches (inline JSON 6902 operations add/remove/replace with a target of
//   group/version/kind/name/namespace).
// Anything else (generators, labels, strategic-merge patches, remote resources, ...) is an error,
// never silently ignored. validate.js compares this renderer's output with `kubectl kustomize`
// wherever kubectl is installed, so the two cannot drift apart unnoticed.

const fs = require('fs');
const path = require('path');
const YAML = require('yaml');

const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
const KIND_API = {
  Kustomization: 'kustomize.config.k8s.io/v1beta1',
  Component: 'kustomize.config.k8s.io/v1alpha1',
};
const ALLOWED_FIELDS = new Set(['apiVersion', 'kind', 'namespace', 'resources', 'components', 'images', 'patches']);
const CLUSTER_SCOPED = new Set([
  'Namespace', 'PersistentVolume', 'StorageClass', 'PriorityClass', 'IngressClass', 'ClusterRole',
  'ClusterRoleBinding', 'CustomResourceDefinition', 'ClusterTriggerAuthentication',
]);
// Kinds whose namespace handling in kustomize goes beyond metadata.namespace (subjects, webhook
// client configs, ...): not needed here, so refused rather than rendered differently.
const UNSUPPORTED_KINDS = new Set([
  'RoleBinding', 'ClusterRoleBinding', 'ServiceAccount', 'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration', 'APIService', 'CustomResourceDefinition',
]);

class KustomizeError extends Error {}

function fail(where, message) {
  throw new KustomizeError(`${where}: ${message}`);
}

function findKustomizationFile(dir) {
  for (const name of KUSTOMIZATION_FILES) {
    const file = path.join(dir, name);
    if (fs.existsSync(file) && fs.statSync(file).isFile()) {
      return file;
    }
  }
  return null;
}

function parseYamlDocuments(file) {
  const docs = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'));
  const objects = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      fail(file, `YAML error: ${doc.errors[0].message}`);
    }
    const value = doc.toJS({ maxAliasCount: -1 });
    if (value === null || value === undefined) {
      continue;
    }
    if (typeof value !== 'object' || Array.isArray(value)) {
      fail(file, 'a resource document must be a mapping');
    }
    objects.push(value);
  }
  return objects;
}

function resourceId(obj) {
  const ns = obj.metadata && obj.metadata.namespace ? obj.metadata.namespace : '';
  return `${obj.apiVersion}/${obj.kind}/${ns}/${obj.metadata && obj.metadata.name}`;
}

function splitApiVersion(apiVersion) {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

// ---- JSON 6902 -------------------------------------------------------------------------------

function decodePointer(where, pointer) {
  if (typeof pointer !== 'string' || !pointer.startsWith('/')) {
    fail(where, `JSON patch path must start with "/": ${JSON.stringify(pointer)}`);
  }
  return pointer.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function applyJsonPatch(where, target, ops) {
  for (const op of ops) {
    if (!op || typeof op !== 'object') {
      fail(where, 'a JSON patch operation must be a mapping');
    }
    const known = new Set(['op', 'path', 'value']);
    for (const key of Object.keys(op)) {
      if (!known.has(key)) {
        fail(where, `unsupported JSON patch field "${key}"`);
      }
    }
    const tokens = decodePointer(where, op.path);
    const last = tokens.pop();
    let parent = target;
    for (const token of tokens) {
      const next = Array.isArray(parent) ? parent[Number(token)] : parent[token];
      if (next === undefined || next === null || typeof next !== 'object') {
        fail(where, `JSON patch path ${op.path} does not exist in ${resourceId(target)}`);
      }
      parent = next;
    }
    switch (op.op) {
      case 'add':
        if (!('value' in op)) fail(where, `"add" needs a value (${op.path})`);
        if (Array.isArray(parent)) {
          if (last === '-') parent.push(op.value);
          else parent.splice(Number(last), 0, op.value);
        } else {
          parent[last] = op.value;
        }
        break;
      case 'replace':
        if (!('value' in op)) fail(where, `"replace" needs a value (${op.path})`);
        if (Array.isArray(parent) ? parent[Number(last)] === undefined : !(last in parent)) {
          fail(where, `JSON patch "replace" of missing ${op.path} in ${resourceId(target)}`);
        }
        if (Array.isArray(parent)) parent[Number(last)] = op.value;
        else parent[last] = op.value;
        break;
      case 'remove':
        if (Array.isArray(parent) ? parent[Number(last)] === undefined : !(last in parent)) {
          fail(where, `JSON patch "remove" of missing ${op.path} in ${resourceId(target)}`);
        }
        if (Array.isArray(parent)) parent.splice(Number(last), 1);
        else delete parent[last];
        break;
      default:
        fail(where, `unsupported JSON patch operation ${JSON.stringify(op.op)} (supported: add, remove, replace)`);
    }
  }
}

function applyPatches(where, patches, objects) {
  if (!Array.isArray(patches)) fail(where, '"patches" must be a list');
  for (const [index, patch] of patches.entries()) {
    const at = `${where} patches[${index}]`;
    for (const key of Object.keys(patch)) {
      if (key !== 'target' && key !== 'patch') {
        fail(at, `unsupported patch field "${key}" (only inline "patch" with a "target")`);
      }
    }
    const target = patch.target;
    if (!target || typeof target !== 'object') fail(at, 'a patch needs a target');
    for (const key of Object.keys(target)) {
      if (!['group', 'version', 'kind', 'name', 'namespace'].includes(key)) {
        fail(at, `unsupported patch target field "${key}"`);
      }
    }
    const ops = YAML.parse(String(patch.patch || ''));
    if (!Array.isArray(ops)) {
      fail(at, 'only JSON 6902 patches (a list of operations) are supported, not strategic-merge patches');
    }
    const matches = objects.filter((obj) => {
      const gv = splitApiVersion(obj.apiVersion);
      return (target.group === undefined || target.group === gv.group)
        && (target.version === undefined || target.version === gv.version)
        && (target.kind === undefined || target.kind === obj.kind)
        && (target.name === undefined || target.name === obj.metadata.name)
        && (target.namespace === undefined || target.namespace === obj.metadata.namespace);
    });
    if (matches.length === 0) fail(at, `the patch target ${JSON.stringify(target)} matches no resource`);
    for (const obj of matches) applyJsonPatch(at, obj, ops);
  }
}

// ---- images ----------------------------------------------------------------------------------

function splitImage(image) {
  let rest = image;
  let digest = '';
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at);
    rest = rest.slice(0, at);
  }
  let tag = '';
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon);
    rest = rest.slice(0, colon);
  }
  return { name: rest, tag, digest };
}

function applyImages(where, images, objects) {
  if (!Array.isArray(images)) fail(where, '"images" must be a list');
  for (const entry of images) {
    for (const key of Object.keys(entry)) {
      if (!['name', 'newName', 'newTag', 'digest'].includes(key)) fail(where, `unsupported images field "${key}"`);
    }
    if (!entry.name) fail(where, 'an images entry needs a name');
  }
  const visit = (node) => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if ((key === 'containers' || key === 'initContainers') && Array.isArray(value)) {
        for (const container of value) {
          if (!container || typeof container.image !== 'string') continue;
          const parts = splitImage(container.image);
          const entry = images.find((e) => e.name === parts.name);
          if (!entry) continue;
          const name = entry.newName || parts.name;
          let suffix = parts.tag + parts.digest;
          if (entry.digest) suffix = `@${entry.digest}`;
          else if (entry.newTag !== undefined) suffix = `:${entry.newTag}`;
          container.image = name + suffix;
        }
      }
      visit(value);
    }
  };
  for (const obj of objects) visit(obj);
}

// ---- rendering -------------------------------------------------------------------------------

function loadKustomization(dir, expectedKind) {
  const file = findKustomizationFile(dir);
  if (!file) fail(dir, 'no kustomization.yaml');
  const docs = parseYamlDocuments(file);
  if (docs.length !== 1) fail(file, 'must hold exactly one document');
  const k = docs[0];
  if (k.kind !== expectedKind) fail(file, `expected kind ${expectedKind}, found ${k.kind}`);
  if (k.apiVersion !== KIND_API[expectedKind]) fail(file, `expected apiVersion ${KIND_API[expectedKind]}, found ${k.apiVersion}`);
  for (const key of Object.keys(k)) {
    if (!ALLOWED_FIELDS.has(key)) {
      fail(file, `unsupported kustomization field "${key}" (deploy/validate/lib/kustomize.js renders only ${[...ALLOWED_FIELDS].join(', ')})`);
    }
  }
  return { file, k };
}

function render(dir, expectedKind = 'Kustomization', inherited = [], stack = []) {
  const absDir = path.resolve(dir);
  if (stack.includes(absDir)) fail(absDir, `cycle: ${[...stack, absDir].join(' -> ')}`);
  const { file, k } = loadKustomization(absDir, expectedKind);
  const nextStack = [...stack, absDir];
  let objects = inherited;
  const own = [];
  for (const ref of k.resources || []) {
    if (/^[a-z]+:\/\//i.test(ref) || ref.includes('?ref=')) fail(file, `remote resources are not supported: ${ref}`);
    const target = path.resolve(absDir, ref);
    if (!fs.existsSync(target)) fail(file, `resource not found: ${ref}`);
    if (fs.statSync(target).isDirectory()) {
      own.push(...render(target, 'Kustomization', [], nextStack));
    } else {
      // kustomize's default load restrictor: a file must be inside the kustomization's folder
      const inside = path.relative(absDir, target);
      if (inside.startsWith('..') || path.isAbsolute(inside)) fail(file, `${ref} is outside ${absDir} (kustomize refuses such files)`);
      own.push(...parseYamlDocuments(target));
    }
  }
  objects = [...objects, ...own];
  for (const ref of k.components || []) {
    const target = path.resolve(absDir, ref);
    if (!fs.existsSync(target) || !fs.statSync(target).isDirectory()) fail(file, `component not found: ${ref}`);
    objects = render(target, 'Component', objects, nextStack);
  }
  for (const obj of objects) {
    if (!obj.apiVersion || !obj.kind || !obj.metadata || !obj.metadata.name) {
      fail(file, `a resource without apiVersion, kind or metadata.name: ${JSON.stringify(obj).slice(0, 120)}`);
    }
    if (UNSUPPORTED_KINDS.has(obj.kind)) fail(file, `kind ${obj.kind} is not supported by this renderer`);
  }
  if (k.patches) applyPatches(file, k.patches, objects);
  if (k.namespace !== undefined) {
    for (const obj of objects) {
      if (!CLUSTER_SCOPED.has(obj.kind)) obj.metadata.namespace = k.namespace;
    }
  }
  if (k.images) applyImages(file, k.images, objects);
  const seen = new Set();
  for (const obj of objects) {
    const id = resourceId(obj);
    if (seen.has(id)) fail(file, `duplicate resource ${id}`);
    seen.add(id);
  }
  return objects;
}

module.exports = { render, resourceId, findKustomizationFile, parseYamlDocuments, KustomizeError };
