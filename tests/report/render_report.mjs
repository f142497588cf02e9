// Opens a report.html in headless Chromium (Debian's, driven by
// playwright-core from tools/report) with every network request blocked,
// and prints what a reader would see, as JSON on stdout:
//   {consoleErrors, failedRequests, blockedRequests, loadSeconds, sections,
//    figures: [{figure, points, rendered, width, height, marks}], tableRows,
//    sortedValues (after a click on the value column), exports: {svg, png}, error}
// usage: node render_report.mjs REPORT_HTML [SCREENSHOT_PNG]
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '../../tools/report/package.json'));
const { chromium } = require('playwright-core');

const [report, screenshot] = process.argv.slice(2);
const result = { consoleErrors: [], failedRequests: [], blockedRequests: [], sections: [], figures: [] };
const browser = await chromium.launch({
  executablePath: process.env.GRHOST_CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
});
try {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  // The network is blocked: anything but the report file itself is aborted and counted.
  const self = pathToFileURL(path.resolve(report)).href;
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url === self || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    result.blockedRequests.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') result.consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => result.consoleErrors.push(String(e)));
  page.on('requestfailed', (r) => { if (!result.blockedRequests.includes(r.url())) result.failedRequests.push(r.url()); });
  const t0 = Date.now();
  await page.goto(self, { waitUntil: 'load' });
  await page.waitForFunction(() => window.grhostReady !== undefined, null, { timeout: 30000 });
  result.loadSeconds = (Date.now() - t0) / 1000;
  result.ready = await page.evaluate(() => window.grhostReady);
  // Where the time went, in seconds from the navigation's start.
  result.timings = await page.evaluate(() => {
    const t = {};
    const nav = performance.getEntriesByType('navigation')[0];
    if (nav) { t.responseEnd = nav.responseEnd / 1000; t.domContentLoaded = nav.domContentLoadedEventEnd / 1000; t.load = nav.loadEventEnd / 1000; }
    for (const m of performance.getEntriesByType('mark')) t[m.name] = m.startTime / 1000;
    return t;
  });
  // Then every chart, as a reader scrolling to the end would have them.
  const t1 = Date.now();
  await page.evaluate(() => window.grhostRenderAll());
  result.allChartsSeconds = (Date.now() - t1) / 1000;
  result.sections = await page.$$eval('section[data-section]', (s) => s.map((x) => x.dataset.section));
  result.figures = await page.$$eval('[data-figure]', (divs) => divs.map((d) => {
    const svg = d.querySelector('svg, canvas');
    const box = svg ? svg.getBoundingClientRect() : { width: 0, height: 0 };
    return { figure: d.dataset.figure, points: Number(d.dataset.points), rendered: d.dataset.rendered === '1',
      width: box.width, height: box.height, marks: svg && svg.tagName === 'svg' ? svg.querySelectorAll('path, line, rect, text').length : -1,
      section: d.closest('section') ? d.closest('section').dataset.section : '' };
  }));
  result.tableRows = await page.$$eval('table[data-table="results"] tbody tr', (r) => r.length);
  // The table sorts: the first values after one click on "value".
  await page.click('table[data-table="results"] th:text-is("value")');
  result.sortedValues = await page.$$eval('table[data-table="results"] tbody tr',
    (trs) => trs.slice(0, 20).map((tr) => Number(tr.children[8].textContent)));
  // A figure saves as SVG and PNG from its menu (vega-embed's actions).
  result.exports = {};
  const first = page.locator('.vega-embed').first();
  if (await first.count()) {
    for (const [kind, label] of [['svg', 'Save as SVG'], ['png', 'Save as PNG']]) {
      // Open the figure's menu (the "..." button), unless it still is.
      if (!(await first.locator('details').evaluate((d) => d.open))) await first.locator('summary').click();
      // vega-embed makes the file on mousedown, asynchronously: wait for it.
      const link = first.locator('a', { hasText: label });
      await link.dispatchEvent('mousedown');
      await page.waitForFunction((a) => /^(data|blob):/.test(a.href), await link.elementHandle(), { timeout: 10000 });
      const [download] = await Promise.all([page.waitForEvent('download', { timeout: 10000 }), link.click()]);
      const file = await download.path();
      const bytes = (await import('node:fs')).readFileSync(file);
      result.exports[kind] = { name: download.suggestedFilename(), bytes: bytes.length, head: bytes.subarray(0, 8).toString('latin1') };
    }
  }
  if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
} catch (e) {
  result.error = String(e);
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
