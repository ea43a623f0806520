// Opens a page file in Debian's headless Chromium as a reader would, with every request other than the file itself
// refused, and prints what the tests check, as JSON: the page's colours, whether it overflows the window, console
// errors and refused requests. Usage: node look.mjs FILE WIDTH light|dark SCREENSHOT.png
import puppeteer from 'puppeteer-core';

const [file, width, scheme, screenshot] = process.argv.slice(2);
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu'],
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
  console.log(JSON.stringify({ ...look, consoleErrors, refused }));
} finally {
  await browser.close();
}
