// The statistics page /stats: draws a Chart.js chart above each table the server rendered.
// The tables stay the source of the figures (screen readers, print, no JavaScript); the charts
// read them, so the page never shows two different sets of numbers.

const palette = ['#1261a3', '#b8141e', '#2f7d32', '#8a4f00', '#6b3fa0', '#00707a'];

// Forced colours (Windows high contrast): the browser recolours the page but not what is drawn
// on a canvas, so the charts take the system's colours themselves: text, axes and grid in
// CanvasText, the series in the system's other foreground colours.
const forcedColors = window.matchMedia('(forced-colors: active)');
const SYSTEM_SERIES = ['Highlight', 'LinkText', 'CanvasText', 'VisitedText', 'ActiveText', 'GrayText'];

// The colour a system colour keyword stands for now ("CanvasText" → "rgb(255, 255, 255)").
function systemColor(keyword) {
  const probe = document.createElement('span');
  probe.style.color = keyword;
  probe.hidden = true;
  document.body.append(probe);
  const color = getComputedStyle(probe).color;
  probe.remove();
  return color;
}

// The colours of the text, grid and series: the page's own, or the system's in forced colours.
function chartColors() {
  // (Chart.js's own defaults: text #666, axis lines and grid in the grid's light grey)
  if (!forcedColors.matches) return { text: '#666', grid: 'rgba(0, 0, 0, 0.1)', axis: 'rgba(0, 0, 0, 0.1)', series: palette };
  const text = systemColor('CanvasText');
  return { text, grid: text, axis: text, series: SYSTEM_SERIES.map(systemColor) };
}

// Applies the colours to a drawn chart (again when forced colours are switched on or off).
function applyColors(chart) {
  const colors = chartColors();
  // (chart.config.options: the options as given, which update() resolves again)
  const options = chart.config.options;
  options.color = colors.text;
  options.borderColor = colors.grid;
  options.plugins.legend.labels.color = colors.text;
  for (const scale of Object.values(options.scales ?? {})) {
    scale.ticks = Object.assign(scale.ticks ?? {}, { color: colors.text });
    scale.grid = Object.assign(scale.grid ?? {}, { color: colors.grid });
    scale.border = Object.assign(scale.border ?? {}, { color: colors.axis });
  }
  chart.data.datasets.forEach((set, i) => {
    const color = colors.series[i % colors.series.length];
    set.backgroundColor = color;
    set.borderColor = color;
  });
  chart.update('none');
}

// The series are the header cells marked data-rk-series; each row gives one value per series,
// from the cell in that column (data-rk-value: the machine value, empty when undefined).
function readTable(table) {
  const heads = [...table.querySelectorAll('thead [data-rk-series]')];
  const series = heads.map((th) => th.dataset.rkSeries);
  const rows = [...table.querySelectorAll('tbody tr')];
  const labels = rows.map((tr) => tr.dataset.rkLabel);
  const values = heads.map((th) =>
    rows.map((tr) => {
      const cell = tr.cells[th.cellIndex];
      const text = cell ? cell.dataset.rkValue : '';
      return text === '' || text === undefined ? null : Number(text);
    }));
  return { series, labels, values };
}

// A long name ("Dienst Stedelijke Ontwikkeling (niet meer in gebruik)") on lines of about
// `width` characters, so that the names beside horizontal bars leave room for the bars.
function wrapLabel(label, width) {
  const lines = [];
  for (const word of String(label ?? '').split(/\s+/)) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last].length + 1 + word.length <= width) lines[last] += ` ${word}`;
    else lines.push(word);
  }
  return lines.length > 1 ? lines : lines[0] ?? '';
}

function datasets(data, kind) {
  return data.series.map((name, i) => {
    const color = palette[i % palette.length];
    const set = { label: name, data: data.values[i], backgroundColor: color, borderColor: color };
    if (kind === 'line') Object.assign(set, { borderWidth: 2, pointRadius: 3, spanGaps: false, fill: false });
    return set;
  });
}

const charts = {
  flow: { type: 'bar', title: 'Ontvangen meldingen, besluiten en afgehandelde meldingen per maand' },
  backlog: { type: 'line', title: 'Meldingen die aan het eind van de maand open stonden' },
  outcomes: { type: 'bar', stacked: true, title: 'Opgeloste meldingen per maand, gestapeld naar uitkomst' },
  lead: { type: 'line', title: 'Mediane doorlooptijd in dagen, tot besluit en tot afhandeling' },
  // Per department or category over the period: one group of horizontal bars per row, so that
  // long names stay readable; the title comes from the page (it names the period).
  breakdown: { type: 'bar', horizontal: true },
};

function draw(holder) {
  const spec = charts[holder.dataset.rkChart];
  const table = document.getElementById(holder.dataset.rkTable);
  if (!spec || !table) return;
  const data = readTable(table);
  const title = holder.dataset.rkTitle || spec.title;
  const canvas = document.createElement('canvas');
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', `Grafiek: ${title}. De cijfers staan in de tabel hieronder.`);
  canvas.textContent = `${title}: zie de tabel hieronder.`;
  holder.append(canvas);
  const stacked = Boolean(spec.stacked);
  const horizontal = Boolean(spec.horizontal);
  // Horizontal bars need room per row: the style sheet sizes the chart from the number of rows.
  if (horizontal) holder.style.setProperty('--rk-chart-rows', String(data.labels.length));
  const counts = { stacked, beginAtZero: true, ticks: { precision: holder.dataset.rkChart === 'lead' ? undefined : 0 } };
  // eslint-disable-next-line no-undef
  const chart = new Chart(canvas, {
    type: spec.type,
    data: {
      labels: horizontal ? data.labels.map((l) => wrapLabel(l, holder.parentElement.clientWidth < 600 ? 16 : 32)) : data.labels,
      datasets: datasets(data, spec.type),
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      locale: 'nl-NL',
      interaction: { mode: 'index', intersect: false, axis: horizontal ? 'y' : 'x' },
      plugins: { legend: { position: 'bottom', labels: {} } },
      indexAxis: horizontal ? 'y' : 'x',
      scales: horizontal ? { x: counts, y: { stacked, ticks: { autoSkip: false } } } : { x: { stacked }, y: counts },
    },
  });
  applyColors(chart);
  holder.classList.add('rk-stats__canvas--drawn');
}

function start() {
  if (typeof window.Chart !== 'function') return;  // the tables are there in any case
  for (const holder of document.querySelectorAll('[data-rk-chart]')) draw(holder);
  forcedColors.addEventListener('change', () => {
    for (const id in window.Chart.instances) applyColors(window.Chart.instances[id]);
  });
  // Print: let each chart fit the page width again.
  window.addEventListener('beforeprint', () => {
    for (const id in window.Chart.instances) window.Chart.instances[id].resize();
  });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
