// Opens a page file in Debian's headless Chromium as a reader would, with every request other than the file itself
// refused, and prints what the tests check, as JSON: the page's colours, whether it overflows the window, console
// errors and refused requests; for a page with charts, each tile's value, each chart's series as drawn, and each figure's
// table; with a filter (NAME=VALUE, e.g. service=payments), the same again after choosing it in the page.
// Usage: node look.mjs FILE WIDTH light|dark SCREENSHOT.png [FILTER]
import puppeteer from 'puppeteer-core';

const [file, width, scheme, screenshot, filter] = process.argv.slice(2);
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu'],
});

// What the page shows: tiles, charts (each series' name and its points' values, from the drawn chart), tables' visible rows.
const figures = page => page.evaluate(() => {
  const tiles = {};
  for (const tile of document.querySelectorAll('[data-tile]')) tiles[tile.dataset.tile] = tile.querySelector('[data-value]').dataset.value;
  const charts = {};
  for (const [id, chart] of Object.entries(window.analyticsCharts ?? {})) {
    const option = chart.getOption();
    charts[id] = {
      categories: [].concat(option.xAxis ?? []).concat(option.yAxis ?? []).filter(a => a.type === 'category').map(a => a.data),
      series: option.series.map(s => ({ name: s.name, type: s.type, data: s.data.map(d => d === '-' ? null : JSON.stringify(d && typeof d === 'object' && 'value' in d ? d.value : d)) })),
      drawn: document.querySelector(`[data-chart="${id}"] svg`) !== null,
      // The value axis's top, and how many pixels one unit of it is tall as drawn (bars of one scale share it).
      valueMax: [].concat(option.yAxis ?? []).filter(a => a.type === 'value').map(a => a.max ?? null)[0] ?? null,
      pixelsPerUnit: [].concat(option.yAxis ?? []).some(a => a.type === 'value')
        ? chart.convertToPixel({ gridIndex: 0 }, [0, 0])[1] - chart.convertToPixel({ gridIndex: 0 }, [0, 1])[1] : null,
    };
  }
  const tables = {};
  for (const figure of document.querySelectorAll('figure[data-figure]'))
    tables[figure.dataset.figure] = [...figure.querySelectorAll('tbody tr')].filter(r => !r.hidden).map(r => [...r.cells].map(c => c.textContent));
  return { tiles, charts, tables, sources: [...document.querySelectorAll('.source')].map(s => s.textContent) };
});

try {
  const page = await browser.newPage();
  const consoleErrors = [];
  const refused = [];
  page.on('console', message => { if (message.type() === 'error') consoleErrors.push(message.text()); });
  page.on('pageerror', error => consoleErrors.push(String(error)));
  await page.setRequestInterception(true);
  const own = new URL('file://' + file).href;
  page.on('request', request => {
    if (request.url() === own) request.continue();
    else { refused.push(request.url()); request.abort(); }
  });
  await page.setViewport({ width: Number(width), height: 900 });
  await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
  await page.goto(own, { waitUntil: 'load' });
  const look = await page.evaluate(() => ({
    background: getComputedStyle(document.body).backgroundColor,
    color: getComputedStyle(document.body).color,
    scrollWidth: document.documentElement.scrollWidth,
    viewportWidth: window.innerWidth,
    title: document.title,
  }));
  await page.screenshot({ path: screenshot, fullPage: true });
  const shown = await figures(page);
  let filtered = null;
  if (filter) {
    const [name, value] = filter.split('=');
    await page.select(`select[data-filter="${name}"]`, value);
    filtered = await figures(page);
  }
  console.log(JSON.stringify({ ...look, ...shown, filtered, consoleErrors, refused }));
} finally {
  await browser.close();
}
