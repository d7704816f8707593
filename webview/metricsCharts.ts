// The Release Metrics charts (uPlot): deployments per week stacked succeeded / failed / rolled back, lead
// time over time, recovery times. Coloured from VS Code's theme variables when drawn, and drawn again
// when the theme changes. The numbers are also in the page's tables: the charts are for the eye.
import uPlot from 'uplot';
import { formatHours, formatMinutes } from '../src/shared/metricsFormat';
import type { MetricsViewState } from '../src/shared/metricsProtocol';
import { chartPalette, type ChartPalette } from './metricsTheme';

type Report = NonNullable<MetricsViewState['report']>;

let charts: uPlot[] = [];
let palette: ChartPalette | null = null;
let shown: Report | null = null;

/** Removes the charts drawn (before the page is rendered again). */
export function destroyCharts(): void {
  for (const c of charts) c.destroy();
  charts = [];
}

function plotWidth(node: HTMLElement): number {
  return Math.max(240, Math.floor(node.getBoundingClientRect().width || document.body.getBoundingClientRect().width || 600));
}

function axes(p: ChartPalette, y: { label: string; values?: (u: uPlot, v: number[]) => string[] }, x?: Partial<uPlot.Axis>): uPlot.Axis[] {
  const common = { stroke: p.foreground, font: `11px ${p.fontFamily}`, labelFont: `11px ${p.fontFamily}`, grid: { stroke: p.grid, width: 1 }, ticks: { stroke: p.grid, width: 1 } };
  return [{ ...common, ...x }, { ...common, label: y.label, ...(y.values ? { values: y.values } : {}) }];
}

/** Draws the charts of `report` into the #chart-* nodes the page rendered, in the current theme's colours. */
export function drawCharts(report: Report | null): void {
  shown = report;
  if (!report?.series) return;
  palette = chartPalette();
  const p = palette;
  const { weekly, leadTimes, recoveries } = report.series;
  const mount = (id: string, make: (node: HTMLElement) => uPlot | null) => {
    const node = document.getElementById(`chart-${id}`);
    if (!node) return;
    const chart = make(node);
    if (chart) charts.push(chart);
  };
  if (weekly.length) {
    mount('weekly', (node) => {
      const x = weekly.map((_, i) => i);
      const s = weekly.map((w) => w.succeeded);
      const f = weekly.map((w) => w.failed);
      const r = weekly.map((w) => w.rolledBack);
      // Stacked bars: each layer is drawn as its cumulative total, the tallest first; the legend shows the layer's own count.
      const top = weekly.map((_, i) => s[i]! + f[i]! + r[i]!);
      const mid = weekly.map((_, i) => s[i]! + f[i]!);
      const bars = uPlot.paths.bars!({ size: [0.7, 48], align: 0 });
      const own = (values: number[]) => (_u: uPlot, _v: number | null, _si: number, i: number | null) => (i === null ? '–' : String(values[i] ?? 0));
      return new uPlot(
        {
          width: plotWidth(node),
          height: 220,
          scales: { x: { time: false, range: [-0.5, weekly.length - 0.5] }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
          series: [
            { label: 'Week', value: (_u, v) => weekly[Math.round(v)]?.week ?? '' },
            { label: 'Rolled back', stroke: p.rolledBack, fill: p.rolledBack, width: 0, paths: bars, points: { show: false }, value: own(r) },
            { label: 'Failed', stroke: p.failed, fill: p.failed, width: 0, paths: bars, points: { show: false }, value: own(f) },
            { label: 'Succeeded', stroke: p.succeeded, fill: p.succeeded, width: 0, paths: bars, points: { show: false }, value: own(s) },
          ],
          axes: axes(p, { label: 'Deployments', values: (_u, v) => v.map((n) => (Number.isInteger(n) ? String(n) : '')) }, { values: (_u, v) => v.map((i) => (Number.isInteger(i) ? (weekly[i]?.week.replace(/^\d{4}-/, '') ?? '') : '')) }),
          legend: { show: true },
          cursor: { drag: { x: false, y: false } },
        },
        [x, top, mid, s],
        node,
      );
    });
  }
  /** A time axis with room on both sides, so the first and last bars and points are not cut in half. */
  const padded = (_u: uPlot, min: number, max: number): uPlot.Range.MinMax => {
    const pad = Math.max(86_400, (max - min) * 0.08);
    return [min - pad, max + pad];
  };
  const timed = (points: { at: string; v: number }[]) => {
    const sorted = points.map((q) => ({ t: Date.parse(q.at) / 1000, v: q.v })).filter((q) => Number.isFinite(q.t)).sort((a, b) => a.t - b.t);
    return [sorted.map((q) => q.t), sorted.map((q) => q.v)] as [number[], number[]];
  };
  if (leadTimes.length) {
    mount('lead', (node) => {
      const [t, v] = timed(leadTimes.map((q) => ({ at: q.at, v: q.medianHours })));
      return new uPlot(
        {
          width: plotWidth(node),
          height: 220,
          scales: { x: { time: true, range: padded }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
          series: [{ label: 'Deployed' }, { label: 'Lead time', stroke: p.lead, width: 2, points: { show: true, size: 6, fill: p.lead, stroke: p.lead }, value: (_u, h) => (h === null ? '–' : formatHours(h)) }],
          axes: axes(p, { label: 'Hours' }),
          cursor: { drag: { x: false, y: false } },
        },
        [t, v],
        node,
      );
    });
  }
  if (recoveries.length) {
    mount('recovery', (node) => {
      const [t, v] = timed(recoveries.map((q) => ({ at: q.at, v: q.minutes })));
      return new uPlot(
        {
          width: plotWidth(node),
          height: 220,
          scales: { x: { time: true, range: padded }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
          series: [{ label: 'Recovered' }, { label: 'Recovery time', stroke: p.recovery, fill: p.recoveryFill, width: 1, paths: uPlot.paths.bars!({ size: [0.4, 12] }), points: { show: true, size: 6, fill: p.recovery, stroke: p.recovery }, value: (_u, m) => (m === null ? '–' : formatMinutes(m)) }],
          axes: axes(p, { label: 'Minutes' }),
          cursor: { drag: { x: false, y: false } },
        },
        [t, v],
        node,
      );
    });
  }
}

/** Draws again when VS Code changes theme (body class, the --vscode-* variables on <html>) or the page's width. */
export function watchTheme(root: HTMLElement): void {
  let pending = false;
  const redraw = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      const next = chartPalette();
      if (palette && JSON.stringify(next) === JSON.stringify(palette)) return;
      destroyCharts();
      drawCharts(shown);
    });
  };
  const observer = new MutationObserver(redraw);
  observer.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind', 'data-vscode-theme-id'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  let width = 0;
  new ResizeObserver(() => {
    const w = Math.floor(root.getBoundingClientRect().width);
    if (Math.abs(w - width) < 8) return;
    width = w;
    for (const c of charts) c.setSize({ width: plotWidth(c.root.parentElement ?? root), height: 220 });
  }).observe(root);
}
