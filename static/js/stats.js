// The statistics page /stats: draws a Chart.js chart above each table the server rendered.
// The tables stay the source of the figures (screen readers, print, no JavaScript); the charts
// read them, so the page never shows two different sets of numbers.

const palette = ['#1261a3', '#b8141e', '#2f7d32', '#8a4f00', '#6b3fa0', '#00707a'];

function readTable(table) {
  const series = [...table.querySelectorAll('thead [data-rk-series]')].map((th) => th.dataset.rkSeries);
  const rows = [...table.querySelectorAll('tbody tr')];
  const labels = rows.map((tr) => tr.dataset.rkLabel);
  const values = series.map((_, i) =>
    rows.map((tr) => {
      const cell = tr.querySelectorAll('td')[i];
      const text = cell ? cell.dataset.rkValue : '';
      return text === '' || text === undefined ? null : Number(text);
    }));
  return { series, labels, values };
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
  flow: { type: 'bar', title: 'Ontvangen, besloten en afgehandelde meldingen per maand' },
  backlog: { type: 'line', title: 'Meldingen die aan het eind van de maand open stonden' },
  outcomes: { type: 'bar', stacked: true, title: 'Opgeloste meldingen per maand, gestapeld naar uitkomst' },
  lead: { type: 'line', title: 'Mediane doorlooptijd in dagen, tot besluit en tot afhandeling' },
};

function draw(holder) {
  const spec = charts[holder.dataset.rkChart];
  const table = document.getElementById(holder.dataset.rkTable);
  if (!spec || !table) return;
  const data = readTable(table);
  const canvas = document.createElement('canvas');
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', `Grafiek: ${spec.title}. De cijfers staan in de tabel hieronder.`);
  canvas.textContent = `${spec.title}: zie de tabel hieronder.`;
  holder.append(canvas);
  const stacked = Boolean(spec.stacked);
  // eslint-disable-next-line no-undef
  new Chart(canvas, {
    type: spec.type,
    data: { labels: data.labels, datasets: datasets(data, spec.type) },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      locale: 'nl-NL',
      interaction: { mode: 'index', intersect: false },
      plugins: { legend: { position: 'bottom' } },
      scales: {
        x: { stacked },
        y: { stacked, beginAtZero: true, ticks: { precision: spec.type === 'line' && holder.dataset.rkChart === 'lead' ? undefined : 0 } },
      },
    },
  });
  holder.classList.add('rk-stats__canvas--drawn');
}

function start() {
  if (typeof window.Chart !== 'function') return;  // the tables are there in any case
  for (const holder of document.querySelectorAll('[data-rk-chart]')) draw(holder);
  // Print: let each chart fit the page width again.
  window.addEventListener('beforeprint', () => {
    for (const id in window.Chart.instances) window.Chart.instances[id].resize();
  });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
