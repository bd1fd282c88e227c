// The installable app: manifest and installability, the offline copy of the parent's timeline and
// consultations, the offline fallback page, messages written offline and sent when back online,
// and saved pages forgotten at log-out.
//
// "Offline" here is real: these tests start their own server and stop it, so every request the
// service worker makes fails as it would on a train (Chromium's offline emulation does not reach
// service workers). The browser is also told it is offline, so the page's `navigator.onLine` agrees.
import { chromium, expect, test, BrowserContext, Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChildProcess, spawn } from 'node:child_process';
import { DEMO_PASSWORD, hydrated } from './helpers';

const PORT = Number(process.env.E2E_PWA_PORT ?? 3110);
const ORIGIN = `http://127.0.0.1:${PORT}`;
const DATABASE = `sqlite://target/e2e/pwa-${Date.now()}.db`;

let server: ChildProcess | undefined;

async function startServer(extraEnv: Record<string, string> = {}) {
  server = spawn(process.env.E2E_SERVER ?? 'target/debug/yorisoi', [], {
    cwd: '..',
    stdio: 'ignore',
    env: {
      ...process.env,
      ...extraEnv,
      DATABASE_URL: DATABASE,
      YORISOI_DEMO: 'true',
      YORISOI_DISPATCH: 'false',
      LEPTOS_SITE_ADDR: `127.0.0.1:${PORT}`,
      LEPTOS_SITE_ROOT: 'target/site',
      LEPTOS_SITE_PKG_DIR: 'pkg',
      LEPTOS_OUTPUT_NAME: 'yorisoi',
      RUST_LOG: 'warn',
    },
  });
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${ORIGIN}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the PWA test server did not start');
}

async function stopServer() {
  if (!server) return;
  const stopped = new Promise((r) => server!.once('exit', r));
  server.kill('SIGTERM');
  await stopped;
  server = undefined;
}

/** Really offline: the server is gone and the browser knows it. */
async function goOffline(context: BrowserContext) {
  await stopServer();
  await context.setOffline(true);
}

async function goOnline(context: BrowserContext) {
  await startServer();
  await context.setOffline(false);
}

async function logIn(page: Page, email: string) {
  await page.goto(`${ORIGIN}/login`);
  await hydrated(page);
  await page.getByLabel('メールアドレス').fill(email);
  await page.getByLabel('パスワード').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'ログイン' }).click();
  await expect(page).toHaveURL(/\/home$/);
}

/** Waits until the service worker controls the page, so later navigations go through it. */
async function controlled(page: Page) {
  await page.waitForFunction(() => navigator.serviceWorker && navigator.serviceWorker.controller !== null, null, {
    timeout: 15_000,
  });
}

test.describe.configure({ mode: 'serial' });

test.beforeAll(() => startServer());
test.afterAll(stopServer);

test('the app can be installed: manifest, icons and a controlling service worker', async ({ page }) => {
  const response = await page.request.get(`${ORIGIN}/manifest.webmanifest`);
  expect(response.ok()).toBe(true);
  expect(response.headers()['content-type']).toContain('application/manifest+json');
  const manifest = await response.json();
  expect(manifest.short_name).toBe('よりそい');
  expect(manifest.lang).toBe('ja');
  expect(manifest.display).toBe('standalone');
  expect(manifest.start_url).toMatch(/^\/home/);
  const maskable = manifest.icons.filter((i: { purpose: string }) => i.purpose === 'maskable');
  expect(maskable.map((i: { sizes: string }) => i.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
  for (const icon of manifest.icons) {
    const png = await page.request.get(`${ORIGIN}${icon.src}`);
    expect(png.ok(), icon.src).toBe(true);
    expect(png.headers()['content-type']).toBe('image/png');
  }

  // Chromium's own verdict, as used for its install prompt. Test contexts are incognito, where
  // nothing installs, so this one has a profile of its own.
  const profile = mkdtempSync(join(tmpdir(), 'yorisoi-pwa-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
  try {
    const tab = browser.pages()[0] ?? (await browser.newPage());
    await tab.goto(`${ORIGIN}/login`);
    await hydrated(tab);
    await controlled(tab);
    const cdp = await browser.newCDPSession(tab);
    const { errors } = await cdp.send('Page.getAppManifest');
    expect(errors).toEqual([]);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    expect(installabilityErrors).toEqual([]);
  } finally {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  }
});

test('built files are sent brotli-compressed and cached for a year; pages are never cached', async ({ page }) => {
  const login = await page.request.get(`${ORIGIN}/login`);
  expect(login.headers()['cache-control']).toBe('private, no-store');
  const html = await login.text();
  const wasm = html.match(/module_or_path: "(\/pkg\/yorisoi\.[A-Za-z0-9_-]{22}\.wasm)"/)?.[1];
  expect(wasm, 'the page loads the hashed WASM').toBeTruthy();
  // Loaded when the page is idle, never preloaded against the page itself on a thin connection.
  expect(html).not.toContain('rel="preload"');
  const response = await page.request.get(`${ORIGIN}${wasm}`, { headers: { 'Accept-Encoding': 'br' } });
  expect(response.ok()).toBe(true);
  expect(response.headers()['content-encoding']).toBe('br');
  expect(response.headers()['cache-control']).toBe('public, max-age=31536000, immutable');
  expect(response.headers()['content-type']).toBe('application/wasm');
});

test('offline, the timeline and consultations are still there, marked as a saved copy', async ({ page, context }) => {
  await logIn(page, 'parent@demo.yorisoi.jp');
  await controlled(page);
  // Opened once while the worker is in charge: now they are saved.
  await page.goto(`${ORIGIN}/home`);
  await expect(page.getByTestId('timeline').first()).toBeVisible();
  const items = await page.getByTestId('item').count();
  expect(items).toBeGreaterThan(0);
  await expect(page.getByTestId('offline-banner')).toHaveCount(0);
  await page.goto(`${ORIGIN}/consultations`);
  await hydrated(page);
  const consultationsOnline = await page.locator('main').innerText();

  await goOffline(context);
  await page.goto(`${ORIGIN}/home`);
  await expect(page.getByTestId('timeline').first()).toBeVisible();
  await expect(page.getByTestId('item')).toHaveCount(items);
  await hydrated(page);
  await expect(page.getByTestId('offline-banner')).toBeVisible();
  await expect(page.getByTestId('offline-banner')).toContainText('オフライン');

  await page.goto(`${ORIGIN}/consultations`);
  await hydrated(page);
  await expect(page.getByTestId('offline-banner')).toBeVisible();
  expect(await page.locator('main').innerText()).toBe(consultationsOnline);

  // A page never opened before: the offline page, in Japanese, not the browser's error.
  await page.goto(`${ORIGIN}/settings/reminders`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('いまはオフラインです');

  await goOnline(context);
  await page.goto(`${ORIGIN}/home`);
  await hydrated(page);
  await expect(page.getByTestId('offline-banner')).toHaveCount(0);
});

test('a message written offline survives a reload and is sent once when back online', async ({ page, context }) => {
  await logIn(page, 'parent2@demo.yorisoi.jp');
  await controlled(page);
  await page.goto(`${ORIGIN}/consultations/new`);
  await hydrated(page);
  await page.getByTestId('topic').selectOption('childcare');
  await page.getByTestId('first-message').fill('保育園の申し込みについて相談したいです');
  await page.getByTestId('open-consultation').click();
  await expect(page).toHaveURL(/\/consultations\/\d+$/);
  const thread = page.url();
  // Opened through the worker, so it is saved.
  await page.goto(thread);
  await hydrated(page);
  await expect(page.getByTestId('message')).toHaveCount(1);

  await goOffline(context);
  const words = `電車の中から書いています ${Date.now()}`;
  await page.getByTestId('message-input').fill(words);
  await page.getByTestId('send-message').click();
  await expect(page.getByTestId('unsent')).toContainText(words);

  // Reloaded while still offline: the saved page, and the message still waiting on this device.
  await page.reload();
  await hydrated(page);
  await expect(page.getByTestId('offline-banner')).toBeVisible();
  await expect(page.getByTestId('unsent')).toContainText(words);

  await goOnline(context);
  await expect(page.getByTestId('unsent')).toHaveCount(0, { timeout: 20_000 });
  await page.goto(thread);
  await hydrated(page);
  await expect(page.getByTestId('message').filter({ hasText: words })).toHaveCount(1);
  await expect(page.getByTestId('offline-banner')).toHaveCount(0);
});

test('after log-out nothing of the family is readable offline', async ({ page, context }) => {
  await logIn(page, 'parent@demo.yorisoi.jp');
  await controlled(page);
  await page.goto(`${ORIGIN}/home`);
  await expect(page.getByTestId('timeline').first()).toBeVisible();
  await hydrated(page);
  await page.getByTestId('logout').click();
  await expect(page.getByTestId('logout')).toHaveCount(0);

  await goOffline(context);
  await page.goto(`${ORIGIN}/home`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('いまはオフラインです');
  await expect(page.getByTestId('timeline')).toHaveCount(0);
  await goOnline(context);
});

test('a new build waits until the page agrees, then takes over and drops the old build\'s files', async ({ page, context }) => {
  await logIn(page, 'parent@demo.yorisoi.jp');
  await controlled(page);
  await hydrated(page);
  const before = await page.evaluate(() => caches.keys());
  expect(before.some((k) => k.startsWith('yorisoi-shell-'))).toBe(true);

  // "Deploy" another build: the same server started so that its files have other names, which gives
  // /sw-assets.js, and so the service worker, another version.
  await stopServer();
  await startServer({ LEPTOS_HASH_FILES: 'false' });
  await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.update());
  const offer = page.locator('#app-update');
  await expect(offer).toBeVisible();
  await expect(offer).toContainText('新しいバージョン');
  // The open page is not switched under its feet: still the old build's worker, still working.
  expect(await page.evaluate(() => caches.keys())).toEqual(expect.arrayContaining(before));
  await expect(page.getByTestId('timeline').first()).toBeVisible();

  const reloaded = page.waitForEvent('load');
  await offer.getByRole('button').click();
  await reloaded;
  await expect
    .poll(async () => (await page.evaluate(() => caches.keys())).filter((k) => k.startsWith('yorisoi-shell-')))
    .toEqual([expect.stringMatching(/^yorisoi-shell-dev-/)]);
  await stopServer();
  await startServer();
});
