// What a phone downloads to run each page on a first visit: the WASM and JavaScript the browser
// actually fetches (Chromium's network log, bytes on the wire, i.e. brotli-compressed), printed per
// page and held to a budget on every parent page. Pages are rendered by the server; only islands
// run in the browser, so a page carries the client of its islands and nothing else.
import { BrowserContext, expect, Page, test } from '@playwright/test';
import { COORDINATOR, DEMO_PASSWORD, hydrated, logIn } from './helpers';

/** The budget for every parent page: 200 KiB of WASM and JavaScript, brotli. */
const PARENT_BUDGET = 200 * 1024;

type Weight = { wasm: number; js: number; files: string[] };

/**
 * Opens `path` in a context that has never loaded anything and sums the scripts and WASM fetched
 * for it: the page's own requests as Chromium counts them on the wire (DevTools' encodedDataLength,
 * with the HTTP cache off, so nothing is served from an earlier page), and what the service worker
 * fetched to keep for offline use, once per file.
 */
async function firstVisit(context: BrowserContext, path: string): Promise<{ page: Page; weight: Weight }> {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  const urls = new Map<string, string>();
  const bytes = new Map<string, number>();
  const count = (url: string, size: number) => {
    const pathname = new URL(url).pathname;
    if (!/\.(wasm|js)$/.test(pathname) || size <= 0) return;
    bytes.set(pathname, Math.max(bytes.get(pathname) ?? 0, size));
  };
  cdp.on('Network.responseReceived', (e) => urls.set(e.requestId, e.response.url));
  cdp.on('Network.loadingFinished', (e) => {
    const url = urls.get(e.requestId);
    if (url) count(url, e.encodedDataLength);
  });
  const fromWorker: Promise<void>[] = [];
  context.on('requestfinished', (request) => {
    if (!request.serviceWorker()) return;
    fromWorker.push(request.sizes().then((s) => count(request.url(), s.responseBodySize + s.responseHeadersSize)));
  });
  await page.goto(path);
  await hydrated(page);
  await page.waitForLoadState('networkidle');
  await Promise.all(fromWorker);
  const weight: Weight = { wasm: 0, js: 0, files: [] };
  for (const [pathname, size] of bytes) {
    weight[pathname.endsWith('.wasm') ? 'wasm' : 'js'] += size;
    weight.files.push(`${pathname} ${size}`);
  }
  return { page, weight };
}

/** A fresh context signed in through the API, so that no page (and no client) was loaded before. */
async function signedIn(browser: import('@playwright/test').Browser, email: string): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'ja-JP' });
  const response = await context.request.post('/api/login', { form: { email, password: DEMO_PASSWORD } });
  expect(response.ok()).toBe(true);
  return context;
}

function report(path: string, weight: Weight) {
  const total = weight.wasm + weight.js;
  console.log(`first visit ${path}: ${total} bytes (WASM ${weight.wasm}, JS ${weight.js}) — ${weight.files.join(', ')}`);
  return total;
}

test('every parent page loads at most 200 KiB of WASM and JavaScript on a first visit', async ({ browser }) => {
  // A consultation of the demo parent's to open.
  const setup = await browser.newPage();
  await logIn(setup, 'parent@demo.yorisoi.jp');
  await expect(setup).toHaveURL(/\/home$/);
  await setup.goto('/consultations/new');
  await setup.getByTestId('first-message').fill('体重の増え方について相談したいです。');
  await setup.getByTestId('open-consultation').click();
  await expect(setup).toHaveURL(/\/consultations\/\d+$/);
  const thread = new URL(setup.url()).pathname;
  await setup.close();

  const signedOut = ['/login', '/join'];
  const parent = ['/home', '/consultations', '/consultations/new', thread, '/settings/reminders'];
  for (const path of signedOut) {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'ja-JP' });
    const { weight } = await firstVisit(context, path);
    expect(report(path, weight), path).toBeLessThanOrEqual(PARENT_BUDGET);
    await context.close();
  }
  for (const path of parent) {
    const context = await signedIn(browser, 'parent@demo.yorisoi.jp');
    const { page, weight } = await firstVisit(context, path);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    expect(report(path, weight), path).toBeLessThanOrEqual(PARENT_BUDGET);
    await context.close();
  }
});

test('staff pages load only their islands too: the same client, nothing of their own', async ({ browser }) => {
  // A family of the coordinator's own municipality.
  const look = await signedIn(browser, COORDINATOR);
  const finder = await look.newPage();
  await finder.goto('/staff?q=' + encodeURIComponent('さとう'));
  const family = await finder.getByTestId('caseload-row').getByRole('link').first().getAttribute('href');
  await look.close();
  for (const path of ['/staff', '/staff/tasks', family!]) {
    const context = await signedIn(browser, COORDINATOR);
    const { page, weight } = await firstVisit(context, path);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    // The same client as the parent pages: staff screens add no code of their own to it.
    expect(report(path, weight), path).toBeLessThanOrEqual(PARENT_BUDGET);
    await context.close();
  }
});
