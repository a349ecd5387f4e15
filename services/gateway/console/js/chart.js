// A horizontal bar chart in SVG, drawn by hand: a few bars need no charting library. Bars
// share one scale, so it only ever compares amounts of one currency.
//
//   barChart({ title: 'EUR held by age', bars: [{ label: '0-7d', value: 1500n, text: 'EUR 15.00' }] })

import { svg } from './dom.js';

const WIDTH = 480;
const BAR_HEIGHT = 24;
const GAP = 10;
const LABEL_WIDTH = 70;
const VALUE_WIDTH = 130;

export function barChart({ title, bars }) {
  const height = bars.length * (BAR_HEIGHT + GAP) + GAP;
  const max = bars.reduce((m, bar) => (bar.value > m ? bar.value : m), 0n);
  const span = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
  const summary = bars.map((bar) => `${bar.label}: ${bar.text}`).join('; ');
  return svg('svg', {
    class: 'chart',
    viewBox: `0 0 ${WIDTH} ${height}`,
    role: 'img',
    'aria-label': `${title}. ${summary}`,
  },
  svg('title', {}, title),
  bars.map((bar, i) => {
    const y = GAP + i * (BAR_HEIGHT + GAP);
    // BigInt to a share of the span: scaled in integers first, so huge amounts stay exact
    // enough for a picture.
    const length = max > 0n ? Number((bar.value * BigInt(span * 100)) / max) / 100 : 0;
    return [
      svg('text', { x: 0, y: y + BAR_HEIGHT * 0.7, class: 'chart-label' }, bar.label),
      svg('rect', {
        x: LABEL_WIDTH, y, width: Math.max(length, bar.value > 0n ? 2 : 0), height: BAR_HEIGHT,
        rx: 3, class: `chart-bar ${bar.className || ''}`,
      }),
      svg('text', { x: LABEL_WIDTH + length + 6, y: y + BAR_HEIGHT * 0.7, class: 'chart-value' },
        bar.text),
    ];
  }));
}
