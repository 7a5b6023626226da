import { h, svg } from '../dom.js';
import { formatDate, formatDayMonth, formatNumber } from '../format.js';
import { tableHead } from './table.js';

export interface Series {
  key: string;
  label: string;
  /** One value per date, in minutes. */
  values: number[];
}

/** Colours told apart by people with the common colour-vision deficiencies (Okabe–Ito). */
export const PALETTE = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#CC79A7',
  '#56B4E9',
  '#D55E00',
  '#999933',
];

/** A round step for four grid lines that cover `value` (1, 2 or 5 times a power of ten). */
function niceStep(value: number): number {
  if (value <= 0) return 1;
  const raw = value / 4;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  for (const step of [1, 2, 5, 10]) {
    if (step * magnitude >= raw) return step * magnitude;
  }
  return 10 * magnitude;
}

/**
 * Daily values stacked by series, as an SVG drawn with DOM calls (no inline markup, so the CSP
 * holds), with the same numbers as a table for screen readers and for reading exact values.
 */
export function stackedBarChart(
  title: string,
  dates: readonly string[],
  series: readonly Series[],
  unit = 'phút',
): HTMLElement {
  const width = 900;
  const height = 260;
  const margin = { top: 12, right: 12, bottom: 34, left: 48 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const totals = dates.map((_, index) =>
    series.reduce((sum, entry) => sum + (entry.values[index] ?? 0), 0),
  );
  const step = niceStep(Math.max(0, ...totals));
  const max = step * 4;
  const slot = plotWidth / Math.max(1, dates.length);
  const barWidth = Math.max(2, Math.min(36, slot * 0.7));
  const y = (value: number): number => margin.top + plotHeight - (value / max) * plotHeight;
  const chart = svg('svg', {
    viewBox: `0 0 ${width} ${height}`,
    class: 'chart',
    role: 'img',
    'aria-label': `${title}: biểu đồ cột chồng theo ngày, đơn vị ${unit}`,
    preserveAspectRatio: 'xMidYMid meet',
  });
  for (let tick = 0; tick <= 4; tick += 1) {
    const value = step * tick;
    chart.append(
      svg('line', {
        x1: margin.left,
        x2: width - margin.right,
        y1: y(value),
        y2: y(value),
        class: 'grid-line',
      }),
      svg(
        'text',
        { x: margin.left - 6, y: y(value) + 4, 'text-anchor': 'end', class: 'axis-label' },
        formatNumber(Math.round(value * 100) / 100),
      ),
    );
  }
  const labelEvery = Math.ceil(dates.length / 16);
  dates.forEach((date, index) => {
    const x = margin.left + slot * index + (slot - barWidth) / 2;
    let base = 0;
    series.forEach((entry, seriesIndex) => {
      const value = entry.values[index] ?? 0;
      if (value <= 0) return;
      const rect = svg('rect', {
        x,
        y: y(base + value),
        width: barWidth,
        height: Math.max(0.5, y(base) - y(base + value)),
        fill: PALETTE[seriesIndex % PALETTE.length],
      });
      rect.append(
        svg(
          'title',
          null,
          `${formatDate(date)} · ${entry.label}: ${formatNumber(Math.round(value * 10) / 10)} ${unit}`,
        ),
      );
      chart.append(rect);
      base += value;
    });
    if (index % labelEvery === 0) {
      chart.append(
        svg(
          'text',
          {
            x: x + barWidth / 2,
            y: height - margin.bottom + 16,
            'text-anchor': 'middle',
            class: 'axis-label',
          },
          formatDayMonth(date),
        ),
      );
    }
  });
  const legend = h(
    'ul',
    { class: 'chart-legend' },
    series.map((entry, index) => {
      const swatch = h('span', { class: 'swatch', 'aria-hidden': 'true' });
      swatch.style.background = PALETTE[index % PALETTE.length];
      return h('li', null, swatch, entry.label);
    }),
  );
  const table = h(
    'details',
    { class: 'chart-data' },
    h('summary', null, 'Xem bảng số liệu'),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        null,
        tableHead(['Ngày', ...series.map((entry) => entry.label), 'Tổng']),
        h(
          'tbody',
          null,
          dates.map((date, index) =>
            h(
              'tr',
              null,
              h('th', { scope: 'row' }, formatDate(date)),
              series.map((entry) =>
                h(
                  'td',
                  { class: 'num' },
                  formatNumber(Math.round((entry.values[index] ?? 0) * 10) / 10),
                ),
              ),
              h('td', { class: 'num' }, formatNumber(Math.round(totals[index] * 10) / 10)),
            ),
          ),
        ),
      ),
    ),
  );
  return h('figure', { class: 'chart-figure' }, h('figcaption', null, title), chart, legend, table);
}
