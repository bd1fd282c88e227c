// Small page helpers shared by the browser tests.
import { expect, Page } from '@playwright/test';

export const DEMO_PASSWORD = 'yorisoi-demo-2026';
export const COORDINATOR = 'hokenshi@demo.yorisoi.jp';
export const ADMIN = 'admin@demo.yorisoi.jp';
/** A coordinator of the 400-family town `yorisoi seed-scale` adds beside the demo (playwright.config.ts). */
export const TOWN_COORDINATOR = 'coordinator01@999991.scale.yorisoi.jp';
export const TOWN_PASSWORD = 'yorisoi-scale-2026';

/** Waits until the WASM client has hydrated the page (it sets data-hydrated on <body>). */
export async function hydrated(page: Page) {
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
}

export async function logIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.goto('/login');
  await hydrated(page);
  await page.getByLabel('メールアドレス').fill(email);
  await page.getByLabel('パスワード').fill(password);
  await page.getByRole('button', { name: 'ログイン' }).click();
}

/** A unique e-mail address per run, so tests can be re-run against the same database. */
export function uniqueEmail(prefix: string) {
  return `${prefix}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.jp`;
}
