// Draws every time-series panel of deploy/grafana/provisioner.json, with the panel's title, queries and
// legends, from a real Prometheus, into one PNG. Grafana itself is not needed: the queries are Grafana's,
// run as Grafana would over the chosen range (the broker and plan variables at "All").
//
//   PROMETHEUS_URL=http://127.0.0.1:9090 RANGE_MINUTES=10 node render.mjs [out.png]
//
// record-run.sh starts a local run and a Prometheus, puts load on it, and calls this.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as vega from 'vega';
import * as vl from 'vega-lite';
import { Resvg } from '@resvg/resvg-js';

const here = dirname(fileURLToPath(import.meta.url));
const prometheus = process.env.PROMETHEUS_URL ?? 'http://127.0.0.1:9090';
const rangeSeconds = Number(process.env.RANGE_MINUTES ?? 10) * 60;
const rateInterval = process.env.RATE_INTERVAL ?? '1m';
const out = resolve(process.argv[2] ?? resolve(here, '../../../docs/dashboard.png'));
const dashboard = JSON.parse(readFileSync(resolve(here, '../provisioner.json'), 'utf8'));

const end = process.env.END ? Number(process.env.END) : Math.floor(Date.now() / 1000);
const start = end - rangeSeconds;
const step = Math.max(5, Math.round(rangeSeconds / 120));

/** The query as Grafana sends it with the broker and plan variables at "All". */
function expand(expr) {
  return expr.replaceAll('$__rate_interval', rateInterval).replaceAll('$broker', '.*').replaceAll('$plan', '.*');
}

function legend(format, labels) {
  return (format ?? '').replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name) => labels[name] ?? '') || JSON.stringify(labels);
}

async function series(target) {
  const query = new URLSearchParams({ query: expand(target.expr), start, end, step });
  const answer = await (await fetch(`${prometheus}/api/v1/query_range?${query}`)).json();
  if (answer.status !== 'success') {
    throw new Error(`${target.expr}: ${answer.error}`);
  }
  return answer.data.result.flatMap(({ metric, values }) => values
    .filter(([, v]) => Number.isFinite(Number(v)))
    .map(([t, v]) => ({ time: new Date(t * 1000).toISOString(), value: Number(v), series: legend(target.legendFormat, metric) })));
}

function chart(title, rows) {
  const size = { width: 520, height: 170 };
  if (rows.length === 0) {
    return { title, ...size, data: { values: [{ text: 'no data in this run' }] },
      mark: { type: 'text', fontSize: 14, color: '#888' }, encoding: { text: { field: 'text' } } };
  }
  return {
    title, ...size, data: { values: rows },
    mark: { type: 'line', interpolate: 'monotone', strokeWidth: 1.5 },
    encoding: {
      x: { field: 'time', type: 'temporal', title: null,
        axis: { format: '%H:%M:%S', tickCount: 6 } },
      y: { field: 'value', type: 'quantitative', title: null, axis: { format: '~s' } },
      color: { field: 'series', type: 'nominal', title: null,
        legend: { orient: 'bottom', columns: 2, labelLimit: 250, symbolType: 'stroke' } },
    },
  };
}

const panels = dashboard.panels.filter((panel) => panel.type === 'timeseries');
const charts = [];
for (const panel of panels) {
  const rows = (await Promise.all((panel.targets ?? []).map(series))).flat();
  charts.push(chart(panel.title, rows));
}

const spec = {
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  title: { text: `${dashboard.title}: ${new Date(start * 1000).toISOString().slice(0, 16)} to ${new Date(end * 1000).toISOString().slice(11, 16)} UTC`,
    subtitle: 'Every time-series panel of deploy/grafana/provisioner.json, queried from the Prometheus that scraped a local run under load (deploy/grafana/render)',
    fontSize: 18 },
  columns: 2, concat: charts,
  // Each panel its own colours and legend, as in Grafana.
  resolve: { scale: { color: 'independent' }, legend: { color: 'independent' } },
  config: { font: 'DejaVu Sans', background: 'white', view: { stroke: '#ddd' }, title: { anchor: 'start', fontSize: 13 } },
};
const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
const svg = await view.toSVG();
const png = new Resvg(svg, { background: 'white', font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } }).render().asPng();
writeFileSync(out, png);
console.log(`${panels.length} panels, ${start}..${end} step ${step}s -> ${out}`);
