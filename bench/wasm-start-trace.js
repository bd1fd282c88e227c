// Where a page's start goes on the main thread: loads a page of a running Yorisoi in Debian's
// chromium (no throttling), waits until the WASM client has hydrated it, and prints the main
// thread's busiest trace events, among them V8's lazy WASM compiles (`wasm.CompileLazy`), and its
// tasks over 20 ms. Uses the Playwright that `npm ci` put in end2end/.
//
//   node bench/wasm-start-trace.js http://127.0.0.1:3290/login
//   node bench/wasm-start-trace.js http://127.0.0.1:3290/home 'yorisoi_session=…'
//   node bench/wasm-start-trace.js URL '' '--js-flags=--no-wasm-lazy-compilation'
//   REPEAT=1 node bench/wasm-start-trace.js URL   # a second visit: HTTP cache and V8's code cache
const path = require('path');
const { chromium } = require(path.join(__dirname, '../end2end/node_modules/playwright'));

(async () => {
  const [url, cookie, flags] = process.argv.slice(2);
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', ...(flags ? flags.split(' ') : [])],
  });
  const context = await browser.newContext();
  if (cookie) {
    const [name, value] = cookie.split('=');
    await context.addCookies([{ name, value, domain: new URL(url).hostname, path: '/' }]);
  }
  const page = await context.newPage();
  if (process.env.REPEAT) {
    // A first visit fills the caches; Chrome writes compiled WASM to its code cache a while later.
    await page.goto(url);
    await page.waitForSelector('body[data-hydrated="true"]', { timeout: 30000 });
    await page.waitForTimeout(3000);
  }
  await browser.startTracing(page, {
    categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'v8.wasm', 'v8.execute', 'blink', 'loading'],
  });
  await page.goto(url);
  await page.waitForSelector('body[data-hydrated="true"]', { timeout: 30000 });
  await page.waitForTimeout(500);
  const events = JSON.parse((await browser.stopTracing()).toString()).traceEvents;
  await browser.close();

  const main = new Set(
    events.filter((e) => e.name === 'thread_name' && e.args.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`),
  );
  const onMain = events.filter((e) => e.ph === 'X' && main.has(`${e.pid}:${e.tid}`));
  const totals = new Map();
  for (const e of onMain) {
    const [ms, n] = totals.get(e.name) || [0, 0];
    totals.set(e.name, [ms + e.dur / 1000, n + 1]);
  }
  console.log('     ms  count  event (main thread)');
  for (const [name, [ms, n]] of [...totals].sort((a, b) => b[1][0] - a[1][0]).slice(0, 20)) {
    console.log(`${ms.toFixed(1).padStart(7)} ${String(n).padStart(6)}  ${name}`);
  }
  const lazy = totals.get('wasm.CompileLazy') || [0, 0];
  console.log(`lazy WASM compiles on the main thread: ${lazy[1]} functions, ${lazy[0].toFixed(1)} ms`);
  const long = onMain.filter((e) => e.name === 'RunTask' && e.dur > 20000).map((e) => Math.round(e.dur / 1000));
  console.log(`tasks over 20 ms: ${long.join(', ') || 'none'}`);
})();
