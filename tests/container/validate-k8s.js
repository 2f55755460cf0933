// Validates deploy/kubernetes/*.yaml offline: every document against the
// Kubernetes API schema of its kind (kubernetes-models' objects validate
// themselves), then what the schemas cannot say: the kinds Clew needs are
// there and fit together (selectors, ports, probes, non-root, read-only root).
// Usage: node tests/container/validate-k8s.js [DIR]; exit 1 on any problem.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const YAML = require('yaml');

const dir = process.argv[2] || path.join(__dirname, '..', '..', 'deploy', 'kubernetes');
const problems = [];
const objects = [];

function problem(where, msg) {
  problems.push(`${where}: ${msg}`);
}

// apps/v1 + Deployment -> kubernetes-models/apps/v1/Deployment; the core
// group ("v1") is kubernetes-models/v1/Kind.
function modelFor(apiVersion, kind) {
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || !/^[A-Za-z0-9]+$/.test(kind))
    return null;
  try {
    const mod = require(`kubernetes-models/${apiVersion}/${kind}`);
    return mod[kind] || null;
  } catch (e) {
    if (e.code === 'MODULE_NOT_FOUND' || e.code === 'ERR_PACKAGE_PATH_NOT_EXPORTED')
      return null;
    throw e;
  }
}

const files = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
if (!files.length)
  problem(dir, 'no .yaml files');
for (const f of files) {
  const file = path.join(dir, f);
  const docs = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'));
  docs.forEach((doc, i) => {
    const where = docs.length > 1 ? `${file} (document ${i + 1})` : file;
    if (doc.errors.length) {
      for (const e of doc.errors)
        problem(where, `YAML: ${e.message}`);
      return;
    }
    const obj = doc.toJS();
    if (obj === null || obj === undefined)
      return;
    const Model = modelFor(obj.apiVersion, obj.kind);
    if (!Model) {
      problem(where, `unknown apiVersion/kind ${obj.apiVersion}/${obj.kind}`);
      return;
    }
    try {
      new Model(obj).validate();
    } catch (e) {
      problem(where, `${obj.kind} ${obj.metadata && obj.metadata.name}: ${e.message}`);
      return;
    }
    objects.push({ where, obj });
  });
}

function only(kind) {
  const found = objects.filter((o) => o.obj.kind === kind);
  if (found.length !== 1)
    problem(dir, `expected one ${kind}, found ${found.length}`);
  return found[0];
}

// Every key=value of the selector is among the labels.
function selects(selector, labels) {
  return Object.entries(selector || {}).every(([k, v]) => labels && labels[k] === v);
}

const dep = only('Deployment');
const svc = only('Service');
const hpa = only('HorizontalPodAutoscaler');
const pdb = only('PodDisruptionBudget');

if (dep) {
  const { where, obj } = dep;
  const spec = obj.spec;
  const pod = spec.template.spec;
  const podLabels = spec.template.metadata && spec.template.metadata.labels;
  if (!selects(spec.selector.matchLabels, podLabels))
    problem(where, 'selector does not match the pod labels');
  if (!(spec.replicas >= 2))
    problem(where, 'replicas should be 2 or more');
  const volumes = Object.fromEntries((pod.volumes || []).map((v) => [v.name, v]));
  const podNonRoot = pod.securityContext && pod.securityContext.runAsNonRoot === true;
  for (const c of pod.containers) {
    const w = `${where}: container ${c.name}`;
    for (const kind of ['requests', 'limits'])
      for (const r of ['cpu', 'memory'])
        if (!(c.resources && c.resources[kind] && c.resources[kind][r]))
          problem(w, `no resources.${kind}.${r}`);
    const ports = new Set();
    for (const p of c.ports || []) {
      ports.add(p.containerPort);
      if (p.name) ports.add(p.name);
    }
    for (const probe of ['readinessProbe', 'livenessProbe']) {
      const g = c[probe] && c[probe].httpGet;
      if (!g || g.path !== '/healthz')
        problem(w, `${probe} is not an HTTP GET of /healthz`);
      else if (!ports.has(g.port))
        problem(w, `${probe} port ${g.port} is not a container port`);
    }
    const sc = c.securityContext || {};
    if (!(podNonRoot || sc.runAsNonRoot === true))
      problem(w, 'runAsNonRoot is not set');
    if (sc.runAsUser === 0 || (pod.securityContext && pod.securityContext.runAsUser === 0))
      problem(w, 'runs as root');
    if (sc.readOnlyRootFilesystem !== true)
      problem(w, 'readOnlyRootFilesystem is not true');
    if (sc.allowPrivilegeEscalation !== false)
      problem(w, 'allowPrivilegeEscalation is not false');
    // The entrypoint compiles a mounted KB into /tmp: it must be writable.
    const tmp = (c.volumeMounts || []).find((m) => m.mountPath === '/tmp');
    if (!tmp || !volumes[tmp.name] || !volumes[tmp.name].emptyDir)
      problem(w, '/tmp is not an emptyDir (the root filesystem is read-only)');
    const env = Object.fromEntries((c.env || []).map((e) => [e.name, e.value]));
    if (env.CLEW_PROBE !== undefined && env.CLEW_PROBE !== 'off')
      problem(w, 'CLEW_PROBE should be off: the host\'s Bluetooth is not in the pod');
  }
  if (svc) {
    const s = svc.obj.spec;
    if (!selects(s.selector, podLabels))
      problem(svc.where, 'selector does not match the Deployment\'s pod labels');
    const names = new Set();
    for (const c of pod.containers)
      for (const p of c.ports || []) {
        names.add(p.containerPort);
        if (p.name) names.add(p.name);
      }
    for (const p of s.ports)
      if (!names.has(p.targetPort === undefined ? p.port : p.targetPort))
        problem(svc.where, `targetPort ${p.targetPort} is not a container port`);
  }
  if (pdb && !selects(pdb.obj.spec.selector && pdb.obj.spec.selector.matchLabels, podLabels))
    problem(pdb.where, 'selector does not match the Deployment\'s pod labels');
  if (hpa) {
    const h = hpa.obj.spec;
    const ref = h.scaleTargetRef;
    if (ref.kind !== 'Deployment' || ref.name !== obj.metadata.name || ref.apiVersion !== 'apps/v1')
      problem(hpa.where, `scaleTargetRef ${ref.apiVersion}/${ref.kind}/${ref.name} is not the Deployment`);
    if (!(h.metrics || []).some((m) => m.type === 'Resource' && m.resource.name === 'cpu'))
      problem(hpa.where, 'no CPU metric');
    if (!(h.minReplicas >= 2))
      problem(hpa.where, 'minReplicas should be 2 or more (the PodDisruptionBudget allows one down)');
  }
}

if (problems.length) {
  for (const p of problems)
    console.error(`error: ${p}`);
  process.exit(1);
}
for (const { where, obj } of objects)
  console.log(`ok ${path.relative(process.cwd(), where)}: ${obj.apiVersion} ${obj.kind} ${obj.metadata.name}`);
