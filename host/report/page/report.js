// grhost's report page: builds the study's three figures, the result
// tables and the run's metadata from the run's own files (results.json,
// run.json, the resolved manifest), embedded in the page by `grhost report`.
// Charts are Vega-Lite specs rendered by vega-embed; nothing is fetched.
/* global vegaEmbed */
'use strict';

function grhostReport(root, data) {
  performance.mark('grhost-start');
  const rows = data.rows.map((r) => {
    const p = {};
    for (const [k, v] of r.params) p[k] = v;
    return Object.assign({}, r, { p, ptext: r.params.map(([k, v]) => k + '=' + v).join(';') });
  });
  const families = {};
  for (const m of data.models || []) families[m.id] = m.family;
  const modelOrder = uniq((data.models || []).map((m) => m.id).concat(rows.map((r) => r.model).filter((m) => m)));
  const familyOf = (m) => families[m] || 'vision';
  const familyDomain = ['vision', 'vision-language', 'language'];
  let charts = 0;

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'text') e.textContent = v;
      else e.setAttribute(k, v);
    }
    for (const c of children) if (c) e.appendChild(c);
    return e;
  }

  // One chart: a container that says what it holds (data-figure,
  // data-points, and data-rendered once vega-embed has drawn it). Charts
  // are drawn when they come near the screen, so that a report of many
  // models and datasets opens at once; grhostRenderAll() draws the rest.
  const pending = new Map();
  function chart(parent, id, spec, points) {
    const div = el('div', { class: 'chart', 'data-figure': id, 'data-points': String(points) });
    // Saved files are named after what they show: "few-shot-accuracy-shots-1-score-cosine-bars.svg".
    div.grhostFile = ((parent.getAttribute('data-name') || '') + '-' + id).replace(/[^A-Za-z0-9.]+/g, '-').replace(/^-+/, '');
    parent.appendChild(div);
    charts += 1;
    spec.$schema = 'https://vega.github.io/schema/vega-lite/v5.json';
    spec.config = Object.assign({ view: { stroke: '#ddd' }, font: 'system-ui, sans-serif' }, spec.config || {});
    pending.set(div, spec);
  }
  function draw(div) {
    const spec = pending.get(div);
    if (!spec) return div.grhostDrawn || Promise.resolve();
    pending.delete(div);
    // Only the export actions (SVG, PNG): "open in editor" would leave the page.
    div.grhostDrawn = vegaEmbed(div, spec, { renderer: 'canvas', downloadFileName: div.grhostFile,
      actions: { export: true, source: false, compiled: false, editor: false } })
      .then(() => div.setAttribute('data-rendered', '1'));
    return div.grhostDrawn;
  }
  window.grhostRenderAll = () => Promise.all(Array.from(document.querySelectorAll('[data-figure]')).map(draw));

  const title = (data.run && data.run.name) || 'grhost run';
  root.appendChild(el('h1', { text: title }));
  const run = data.run || {};
  root.appendChild(el('div', { class: 'subtitle', text:
    [run.finished ? 'finished ' + run.finished : '', run.grhost_version ? 'grhost ' + run.grhost_version : '',
     modelOrder.length + ' models', uniq(rows.map((r) => r.dataset)).length + ' datasets', rows.length + ' result rows']
      .filter((s) => s).join(' · ') }));
  const nav = el('nav');
  root.appendChild(nav);
  function section(id, heading) {
    const s = el('section', { id, 'data-section': id });
    s.appendChild(el('h2', { text: heading }));
    root.appendChild(s);
    nav.appendChild(el('a', { href: '#' + id, text: heading }));
    return s;
  }

  generalization();
  robustness();
  rsa();
  tables();
  metadata();
  performance.mark('grhost-built');
  // The first screen now, the rest as it scrolls into view (or prints).
  const near = (div) => div.getBoundingClientRect().top < window.innerHeight + 300;
  const first = Array.from(pending.keys()).filter(near);
  const observer = new IntersectionObserver((entries) => {
    for (const e of entries) if (e.isIntersecting) { observer.unobserve(e.target); draw(e.target); }
  }, { rootMargin: '300px' });
  for (const div of pending.keys()) if (!first.includes(div)) observer.observe(div);
  window.addEventListener('beforeprint', () => window.grhostRenderAll());
  Promise.all(first.map(draw)).then(() => {
    performance.mark('grhost-drawn');
    window.grhostReady = { charts, firstScreen: first.length };
  }, (e) => { window.grhostReady = { charts, error: String(e) }; console.error(e); });

  // ---- figure 1: few-shot, clustering, linear probe ------------------------
  function generalization() {
    const measures = [];
    for (const task of uniq(rows.map((r) => r.task))) {
      const mine = rows.filter((r) => r.task === task);
      const plugin = mine[0].plugin;
      let picked = [];
      if (plugin === 'few-shot') picked = mine.filter((r) => r.metric === 'accuracy' && r.mean !== undefined);
      else if (plugin === 'clustering') picked = mine.filter((r) => (r.metric === 'accuracy' || r.metric === 'nmi') && r.trial === null);
      else if (plugin === 'linear-probe') picked = mine.filter((r) => r.metric === 'accuracy' && r.split === 'test' && r.p.selection);
      else continue;
      for (const setting of uniq(picked.map((r) => r.metric + '|' + r.ptext))) {
        const [metric, ptext] = setting.split('|');
        measures.push({ task, plugin, metric, ptext, rows: picked.filter((r) => r.metric + '|' + r.ptext === setting) });
      }
    }
    if (measures.length === 0) return;
    const s = section('generalization', 'Few-shot, clustering and linear-probe transfer');
    s.appendChild(el('p', { class: 'note', text: 'Left: each model\'s mean over datasets, with the standard error of that ' +
      'mean across datasets (with one dataset, the standard error over its trials). Right: each dataset, with the ' +
      'standard error over trials where the analysis has trials.' }));
    for (const m of measures) {
      const fig = el('div', { class: 'figure', 'data-name': m.task + ' ' + m.metric + ' ' + m.ptext });
      fig.appendChild(el('h3', { text: m.task + ': ' + m.metric + (m.ptext ? ' (' + m.ptext.replace(/;/g, ', ') + ')' : '') }));
      s.appendChild(fig);
      const per = m.rows.map((r) => {
        const v = r.mean !== undefined ? r.mean : r.value;
        const sem = r.sem !== undefined && isFinite(r.sem) ? r.sem : 0;
        return { model: r.model, dataset: r.dataset, family: familyOf(r.model), value: v, lo: v - sem, hi: v + sem };
      });
      const means = [];
      for (const model of modelOrder) {
        const mine = per.filter((d) => d.model === model);
        if (mine.length === 0) continue;
        const vals = mine.map((d) => d.value);
        const mean = vals.reduce((a, b) => a + b, 0) / vals.length;
        const sem = vals.length > 1 ? std(vals) / Math.sqrt(vals.length) : (mine[0].hi - mine[0].lo) / 2;
        means.push({ model, family: familyOf(model), value: mean, lo: mean - sem, hi: mean + sem, datasets: vals.length });
      }
      const models = means.map((d) => d.model);
      const bars = () => ({
        layer: [
          { mark: 'bar', encoding: {
            x: { field: 'model', type: 'nominal', sort: models, title: null, axis: { labelAngle: -40 } },
            y: { field: 'value', type: 'quantitative', title: m.metric },
            color: { field: 'family', type: 'nominal', scale: { domain: familyDomain }, title: 'family' },
            tooltip: [{ field: 'model' }, { field: 'value', format: '.4f' }, { field: 'lo', format: '.4f' }, { field: 'hi', format: '.4f' }] } },
          { mark: { type: 'errorbar', ticks: true }, encoding: {
            x: { field: 'model', type: 'nominal', sort: models },
            y: { field: 'lo', type: 'quantitative', title: m.metric }, y2: { field: 'hi' } } },
        ],
      });
      chart(fig, 'bars', Object.assign({ data: { values: means } }, bars(), { width: Math.max(160, 28 * models.length), height: 200,
        title: 'mean over datasets' }), means.length);
      const datasets = uniq(per.map((d) => d.dataset));
      chart(fig, 'small-multiples', {
        data: { values: per },
        facet: { field: 'dataset', type: 'nominal', sort: datasets, title: null },
        columns: Math.min(datasets.length, 3),
        spec: Object.assign(bars(), { width: Math.max(120, 18 * models.length), height: 140 }),
        resolve: { scale: { y: 'independent' } },
        title: 'per dataset',
      }, per.length);
    }
  }

  // ---- figure 2: success rate against epsilon -----------------------------
  function robustness() {
    const rates = rows.filter((r) => r.plugin === 'robustness' && r.metric === 'success_rate' && r.p.epsilon !== undefined);
    if (rates.length === 0) return;
    const s = section('robustness', 'Adversarial robustness');
    s.appendChild(el('p', { class: 'note', text: 'Attack success rate against epsilon, one line per model; epsilon 0 ' +
      '(the clean error rate) is left off the log axis and shown in the table.' }));
    for (const task of uniq(rates.map((r) => r.task))) {
      const values = rates.filter((r) => r.task === task && Number(r.p.epsilon) > 0).map((r) => ({
        model: r.model, family: familyOf(r.model), dataset: r.dataset, epsilon: Number(r.p.epsilon), rate: r.value,
        panel: r.p.attack + (r.p.targeted === 'true' ? ', targeted' : ', untargeted') }));
      if (values.length === 0) continue;
      const fig = el('div', { class: 'figure', 'data-name': task });
      fig.appendChild(el('h3', { text: task }));
      s.appendChild(fig);
      const datasets = uniq(values.map((d) => d.dataset));
      chart(fig, 'robustness', {
        data: { values },
        facet: { column: { field: 'panel', type: 'nominal', title: null },
          row: { field: 'dataset', type: 'nominal', sort: datasets, title: datasets.length > 1 ? 'dataset' : null } },
        spec: {
          width: 240, height: 180,
          mark: { type: 'line', point: true },
          encoding: {
            x: { field: 'epsilon', type: 'quantitative', scale: { type: 'log' }, title: 'epsilon' },
            y: { field: 'rate', type: 'quantitative', scale: { domain: [0, 1] }, title: 'success rate' },
            color: { field: 'model', type: 'nominal', sort: modelOrder, scale: { scheme: modelOrder.length <= 10 ? 'category10' : 'tableau20' } },
            strokeDash: { field: 'family', type: 'nominal', scale: { domain: familyDomain } },
            tooltip: [{ field: 'model' }, { field: 'epsilon' }, { field: 'rate', format: '.3f' }],
          },
        },
      }, values.length);
    }
  }

  // ---- figure 3: dendrogram, t-SNE map, RDM correlations ------------------
  function rsa() {
    const mine = rows.filter((r) => r.plugin === 'rsa');
    if (mine.length === 0) return;
    const s = section('rsa', 'Representational similarity');
    for (const key of uniq(mine.map((r) => r.task + '\u0000' + r.dataset))) {
      const [task, dataset] = key.split('\u0000');
      const here = mine.filter((r) => r.task === task && r.dataset === dataset);
      const fig = el('div', { class: 'figure', 'data-name': task + ' ' + dataset });
      fig.appendChild(el('h3', { text: task + ' on ' + dataset }));
      s.appendChild(fig);
      dendrogram(fig, here.filter((r) => r.metric === 'linkage_distance'));
      tsneMap(fig, here.filter((r) => r.metric === 'tsne_x' || r.metric === 'tsne_y'));
      heatmap(fig, here.filter((r) => r.metric === 'rdm_pearson'));
    }
  }

  function dendrogram(fig, merges) {
    if (merges.length === 0) return;
    merges = merges.slice().sort((a, b) => Number(a.p.merge) - Number(b.p.merge));
    const leaves = merges.length + 1;
    // SciPy numbers the cluster of merge k (from 1) leaves + k - 1.
    const node = (name) => {
      const m = /^cluster (\d+)$/.exec(name);
      return m ? { merge: Number(m[1]) - leaves } : { leaf: name };
    };
    const order = [];
    const walk = (n) => {
      if (n.leaf !== undefined) { order.push(n.leaf); return; }
      const r = merges[n.merge];
      walk(node(r.p.left)); walk(node(r.p.right));
    };
    walk({ merge: merges.length - 1 });
    const pos = {};
    order.forEach((m, i) => { pos[m] = i; });
    const where = (n) => (n.leaf !== undefined ? { y: pos[n.leaf], x: 0 } : placed[n.merge]);
    const placed = [];
    const segments = [];
    merges.forEach((r, k) => {
      const a = where(node(r.p.left)), b = where(node(r.p.right)), h = r.value;
      segments.push({ x: a.x, x2: h, y: a.y, y2: a.y }, { x: b.x, x2: h, y: b.y, y2: b.y }, { x: h, x2: h, y: a.y, y2: b.y });
      placed[k] = { x: h, y: (a.y + b.y) / 2 };
    });
    const labels = order.map((m, i) => ({ model: m, y: i, family: familyOf(m) }));
    chart(fig, 'dendrogram', {
      title: 'dendrogram (average linkage on 1 − r)', width: 260, height: Math.max(120, 22 * leaves),
      layer: [
        { data: { values: segments }, mark: { type: 'rule', color: '#555' }, encoding: {
          x: { field: 'x', type: 'quantitative', title: '1 − r', scale: { zero: true } }, x2: { field: 'x2' },
          y: { field: 'y', type: 'quantitative', axis: null, scale: { domain: [-0.5, leaves - 0.5] } }, y2: { field: 'y2' } } },
        { data: { values: labels }, mark: { type: 'text', align: 'right', dx: -4 }, encoding: {
          x: { datum: 0, type: 'quantitative' }, y: { field: 'y', type: 'quantitative' }, text: { field: 'model' },
          color: { field: 'family', type: 'nominal', scale: { domain: familyDomain } } } },
      ],
      config: { axisY: { domain: false } }, padding: { left: 110 },
    }, segments.length);
  }

  function tsneMap(fig, coords) {
    if (coords.length === 0) return;
    const byModel = {};
    for (const r of coords) {
      byModel[r.model] = byModel[r.model] || { model: r.model, family: familyOf(r.model) };
      byModel[r.model][r.metric === 'tsne_x' ? 'x' : 'y'] = r.value;
    }
    const values = Object.values(byModel);
    chart(fig, 'tsne', {
      title: 't-SNE of the RDMs', width: 280, height: 240, data: { values },
      layer: [
        { mark: { type: 'point', filled: true, size: 80 }, encoding: {
          x: { field: 'x', type: 'quantitative', axis: null, scale: { zero: false, padding: 30 } },
          y: { field: 'y', type: 'quantitative', axis: null, scale: { zero: false, padding: 20 } },
          color: { field: 'family', type: 'nominal', scale: { domain: familyDomain } },
          tooltip: [{ field: 'model' }, { field: 'family' }] } },
        { mark: { type: 'text', dy: -9, fontSize: 10 }, encoding: {
          x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' }, text: { field: 'model' } } },
      ],
    }, values.length);
  }

  function heatmap(fig, pairs) {
    if (pairs.length === 0) return;
    const values = pairs.map((r) => ({ a: r.model, b: r.p.with, r: r.value }));
    const models = modelOrder.filter((m) => values.some((v) => v.a === m));
    chart(fig, 'heatmap', {
      title: 'RDM correlation (Pearson r)', data: { values },
      width: Math.max(120, 22 * models.length), height: Math.max(120, 22 * models.length),
      mark: 'rect',
      encoding: {
        x: { field: 'b', type: 'nominal', sort: models, title: null, axis: { labelAngle: -40 } },
        y: { field: 'a', type: 'nominal', sort: models, title: null },
        color: { field: 'r', type: 'quantitative', scale: { scheme: 'redblue', domain: [-1, 1] }, title: 'r' },
        tooltip: [{ field: 'a' }, { field: 'b' }, { field: 'r', format: '.3f' }],
      },
    }, values.length);
  }

  // ---- every result row, sortable and filterable --------------------------
  function tables() {
    const s = section('results', 'Every result row');
    const columns = ['model', 'dataset', 'split', 'task', 'plugin', 'params', 'metric', 'trial', 'value', 'mean', 'std', 'sem', 'n'];
    const cell = (r, c) => (c === 'params' ? r.ptext : r[c]);
    const limit = 1000;
    const input = el('input', { type: 'search', placeholder: 'filter: words that every shown row contains' });
    const info = el('span', { class: 'note' });
    s.appendChild(el('div', { class: 'controls' }, input, document.createTextNode(' '), info));
    const table = el('table', { 'data-table': 'results' });
    const head = el('tr');
    table.appendChild(el('thead', {}, head));
    const body = el('tbody');
    table.appendChild(body);
    s.appendChild(el('div', { class: 'table-wrap' }, table));
    let sortBy = null, ascending = true;
    columns.forEach((c) => {
      const th = el('th', { text: c });
      th.addEventListener('click', () => {
        ascending = sortBy === c ? !ascending : true;
        sortBy = c;
        head.querySelectorAll('th').forEach((h) => h.removeAttribute('class'));
        th.setAttribute('class', ascending ? 'sorted-asc' : 'sorted-desc');
        draw();
      });
      head.appendChild(th);
    });
    const text = rows.map((r) => columns.map((c) => String(cell(r, c) === undefined || cell(r, c) === null ? '' : cell(r, c))).join(' ').toLowerCase());
    function draw() {
      const words = input.value.toLowerCase().split(/\s+/).filter((w) => w);
      let shown = rows.map((r, i) => i).filter((i) => words.every((w) => text[i].includes(w)));
      if (sortBy) {
        shown.sort((i, j) => {
          const a = cell(rows[i], sortBy), b = cell(rows[j], sortBy);
          const c = typeof a === 'number' && typeof b === 'number' ? a - b : String(a === null || a === undefined ? '' : a).localeCompare(String(b === null || b === undefined ? '' : b));
          return ascending ? c : -c;
        });
      }
      info.textContent = shown.length + ' of ' + rows.length + ' rows' + (shown.length > limit ? ', the first ' + limit + ' shown' : '');
      const frag = document.createDocumentFragment();
      for (const i of shown.slice(0, limit)) {
        const tr = el('tr');
        for (const c of columns) {
          const v = cell(rows[i], c);
          const num = typeof v === 'number';
          tr.appendChild(el('td', { class: num ? 'num' : '', text: v === null || v === undefined ? '' : num ? fmt(v) : String(v) }));
        }
        frag.appendChild(tr);
      }
      body.replaceChildren(frag);
    }
    input.addEventListener('input', draw);
    draw();
  }

  // ---- the run: versions, seed, timings, plugins, manifest ----------------
  function metadata() {
    const s = section('run', 'The run');
    const facts = el('table', { 'data-table': 'run' });
    for (const k of ['name', 'grhost_version', 'sdk_version', 'torch_build_stamp', 'manifest', 'seed', 'threads', 'started', 'finished', 'wall_seconds']) {
      if (run[k] !== undefined) facts.appendChild(el('tr', {}, el('th', { text: k }), el('td', { text: typeof run[k] === 'number' ? fmt(run[k]) : String(run[k]) })));
    }
    s.appendChild(facts);
    if (run.jobs && run.jobs.length) {
      s.appendChild(el('h3', { text: 'Jobs' }));
      const t = el('table', { 'data-table': 'jobs' });
      t.appendChild(el('tr', {}, el('th', { text: 'job' }), el('th', { text: 'status' }), el('th', { text: 'seconds' }), el('th', { text: 'task seconds' })));
      for (const j of run.jobs) {
        t.appendChild(el('tr', {}, el('td', { text: j.job }), el('td', { text: j.status }),
          el('td', { class: 'num', text: j.seconds !== undefined ? fmt(j.seconds) : '' }),
          el('td', { class: 'num', text: j.task_seconds !== undefined ? fmt(j.task_seconds) : '' })));
      }
      s.appendChild(t);
    }
    if (run.plugins && run.plugins.length) {
      s.appendChild(el('h3', { text: 'Plugins' }));
      const t = el('table', { 'data-table': 'plugins' });
      t.appendChild(el('tr', {}, ...['kind', 'id', 'version', 'sdk', 'file'].map((h) => el('th', { text: h }))));
      for (const p of run.plugins) t.appendChild(el('tr', {}, ...['kind', 'id', 'version', 'sdk', 'file'].map((h) => el('td', { text: String(p[h] || '') }))));
      s.appendChild(t);
    }
    if (data.manifest) {
      s.appendChild(el('h3', { text: 'Manifest (resolved)' }));
      s.appendChild(el('pre', { text: data.manifest }));
    }
  }
}

function uniq(list) {
  const seen = new Set();
  return list.filter((x) => (seen.has(x) ? false : (seen.add(x), true)));
}

function std(values) {
  const m = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, b) => a + (b - m) * (b - m), 0) / (values.length - 1));
}

function fmt(v) {
  if (!isFinite(v)) return String(v);
  return Number.isInteger(v) ? String(v) : Number(v.toPrecision(6)).toString();
}
