// axe-core and the Content Security Policy on every page, as each kind of user sees it: no violations, at phone width (the project
// runs at 360 px) in Japanese. Checked after hydration, so what is checked is what people use.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, Page } from '@playwright/test';
import { ADMIN, COORDINATOR, hydrated, logIn } from './helpers';

// Anything the Content Security Policy blocks is reported too: the app must need nothing it forbids.
test.beforeEach(async ({ page }) => {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __csp: string[] }).__csp = seen;
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
});

async function noViolations(page: Page, path: string) {
  await page.goto(path);
  await hydrated(page);
  const blocked = await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
  expect.soft(blocked, `CSP on ${path}`).toEqual([]);
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  const found = results.violations.map((v) => ({
    rule: v.id,
    impact: v.impact,
    help: v.help,
    where: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
  }));
  expect.soft(found, `axe on ${path}`).toEqual([]);
}

test('pages anyone can open', async ({ page }) => {
  for (const path of ['/', '/login', '/join', '/no-such-page']) {
    await noViolations(page, path);
  }
});

test('the parent pages', async ({ page }) => {
  await logIn(page, 'parent@demo.yorisoi.jp');
  await expect(page).toHaveURL(/\/home$/);
  for (const path of ['/home', '/consultations', '/consultations/new', '/settings/reminders']) {
    await noViolations(page, path);
  }
  // A consultation's thread, with a message in it.
  await page.goto('/consultations/new');
  await hydrated(page);
  await page.getByTestId('topic').selectOption('other');
  await page.getByTestId('first-message').fill('アクセシビリティ確認のための相談です');
  await page.getByTestId('open-consultation').click();
  await expect(page).toHaveURL(/\/consultations\/\d+$/);
  await noViolations(page, new URL(page.url()).pathname);
});

test('the coordinator pages', async ({ page }) => {
  await logIn(page, COORDINATOR);
  await expect(page).toHaveURL(/\/staff$/);
  for (const path of ['/staff', '/staff/tasks', '/staff/consultations', '/staff/slots', '/staff/register', '/staff/institutions', '/staff/figures']) {
    await noViolations(page, path);
  }
  await page.goto('/staff');
  const family = await page.locator('a[href^="/staff/families/"]').first().getAttribute('href');
  await noViolations(page, family!);
});

test('the admin pages', async ({ page }) => {
  await logIn(page, ADMIN);
  await expect(page).toHaveURL(/\/staff$/);
  for (const path of ['/staff/audit', '/staff/reminders', '/staff/accounts']) {
    await noViolations(page, path);
  }
});
