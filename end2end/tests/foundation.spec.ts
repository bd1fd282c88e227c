// The walking skeleton, end to end: hydration, a parent joining with an invitation on a phone,
// a coordinator finding that family, and the refusals that protect records.
import { expect, test } from '@playwright/test';
import { COORDINATOR, DEMO_PASSWORD, hydrated, logIn, uniqueEmail } from './helpers';

test('the language switch is a form: it works at once, before the client starts', async ({ page }) => {
  await page.goto('/login');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('ログイン');
  await page.getByTestId('language-switch').click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Log in');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  // Kept for the next page too.
  await page.goto('/join');
  await expect(page.getByRole('heading', { level: 1 })).not.toHaveText('はじめての登録');
  await page.getByTestId('language-switch').click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('はじめての登録');
});

test('without JavaScript a parent signs in, is told why a form was refused, and records an item', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 740 }, locale: 'ja-JP' });
  const page = await context.newPage();
  await page.goto('/login');
  await page.getByLabel('メールアドレス').fill('parent@demo.yorisoi.jp');
  await page.getByLabel('パスワード').fill('not the password');
  await page.getByRole('button', { name: 'ログイン' }).click();
  // The server sent the refusal back in the address; the page shows it beside the form.
  await expect(page).toHaveURL(/\/login\?.*__err=/);
  await expect(page.getByTestId('error')).toContainText('メールアドレスまたはパスワードが違います');
  await page.getByLabel('メールアドレス').fill('parent@demo.yorisoi.jp');
  await page.getByLabel('パスワード').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'ログイン' }).click();
  await expect(page).toHaveURL(/\/home$/);
  await expect(page.locator('body')).not.toHaveAttribute('data-hydrated', 'true');

  // Marking the first open item done is a form post; the page comes back with the record.
  const open = page.getByTestId('next-up').getByTestId('item').filter({ has: page.getByTestId('mark-done') }).first();
  const key = await open.getAttribute('data-key');
  await open.getByTestId('mark-done').click();
  await open.getByTestId('save-done').click();
  // Back where the form was (server functions send the browser back to the page it came from).
  await expect(page).toHaveURL(/\/home\??$/);
  const recorded = page.getByTestId('next-up').locator(`[data-key="${key}"]`).first();
  await expect(recorded.getByTestId('record')).toBeVisible();
  await recorded.getByTestId('undo').click();
  await expect(page.getByTestId('next-up').locator(`[data-key="${key}"]`).first().getByTestId('record')).toHaveCount(0);

  // A calendar address made without the client is shown on the page the browser returns to, once.
  await page.getByTestId('calendar-create').click();
  await expect(page).toHaveURL(/\/home\??$/);
  await expect(page.getByTestId('calendar-link')).toContainText('/calendar/');
  await expect(page.getByTestId('calendar-active')).toBeVisible();
  await page.reload();
  await expect(page.getByTestId('calendar-active')).toBeVisible();
  await expect(page.getByTestId('calendar-link')).toHaveCount(0);
  await context.close();
});

test('a parent joins with an invitation code on a phone and a coordinator finds the family', async ({ browser }) => {
  // A coordinator issues an invitation for a demo family without a guardian yet.
  const staff = await browser.newPage();
  await logIn(staff, COORDINATOR);
  await expect(staff).toHaveURL(/\/staff$/);
  await staff.getByLabel('氏名・フリガナで検索').fill('やまだ');
  await staff.getByRole('button', { name: '検索' }).click();
  await expect(staff.getByTestId('caseload-row')).toHaveCount(1);
  await staff.getByTestId('caseload-row').getByRole('link').click();
  await expect(staff.getByTestId('family-name')).toContainText('山田');
  await hydrated(staff);
  await staff.getByTestId('issue-invitation').click();
  const code = (await staff.getByTestId('invitation-code').textContent())!.trim();
  expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  const link = (await staff.getByTestId('invitation-link').getAttribute('href'))!;
  expect(link).toContain('/join?code=');
  await expect(staff.getByTestId('invitation-qr').locator('svg')).toBeVisible();

  // The parent opens the link on a 360 px phone; the code is already filled in.
  const phone = await browser.newPage({ viewport: { width: 360, height: 740 }, locale: 'ja-JP' });
  await phone.goto(new URL(link).pathname + new URL(link).search);
  await hydrated(phone);
  await expect(phone.getByLabel('招待コード')).toHaveValue(code.replaceAll('-', ''));
  const email = uniqueEmail('mother');
  await phone.getByLabel('お名前').fill('山田 恵');
  await phone.getByLabel('フリガナ').fill('やまだ めぐみ');
  await phone.getByLabel('メールアドレス').fill(email);
  await phone.getByLabel('パスワード（8文字以上）').fill('a long enough password');
  await phone.getByRole('button', { name: '登録する' }).click();

  await expect(phone).toHaveURL(/\/home$/);
  await expect(phone.getByRole('heading', { level: 1 })).toContainText('山田');
  await expect(phone.getByRole('heading', { name: 'これからの予定' })).toBeVisible();
  await expect(phone.getByTestId('child')).toHaveCount(1);
  // Nothing overflows sideways on a 360 px screen.
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);

  // The code works once only.
  const again = await browser.newPage();
  await again.goto(`/join?code=${encodeURIComponent(code)}`);
  await hydrated(again);
  await again.getByLabel('お名前').fill('山田 次郎');
  await again.getByLabel('フリガナ').fill('ヤマダ ジロウ');
  await again.getByLabel('メールアドレス').fill(uniqueEmail('father'));
  await again.getByLabel('パスワード（8文字以上）').fill('another long password');
  await again.getByRole('button', { name: '登録する' }).click();
  await expect(again.getByTestId('error')).toContainText('すでに使われています');
  await expect(again.getByLabel('お名前')).toHaveValue('山田 次郎');

  // The coordinator finds the family by the parent's name and sees the guardian.
  await staff.goto('/staff?q=' + encodeURIComponent('やまだ めぐみ'));
  await expect(staff.getByTestId('caseload-row')).toHaveCount(1);
  await staff.getByTestId('caseload-row').getByRole('link').click();
  await expect(staff.getByTestId('guardians')).toContainText('山田 恵');
});

test('a parent who opens staff pages is refused', async ({ page }) => {
  await logIn(page, 'parent@demo.yorisoi.jp');
  await expect(page).toHaveURL(/\/home$/);
  await page.goto('/staff');
  await expect(page.getByTestId('error')).toContainText('権限がありません');
  await page.goto('/staff/families/1');
  await expect(page.getByTestId('family-name')).toHaveCount(0);
});

test('a wrong password gets a clear message and keeps the e-mail', async ({ page }) => {
  await logIn(page, COORDINATOR, 'not the password');
  await expect(page.getByTestId('error')).toHaveText('メールアドレスまたはパスワードが違います。');
  await expect(page.getByLabel('メールアドレス')).toHaveValue(COORDINATOR);
});

test('signed-out visitors are sent to the login', async ({ page }) => {
  await page.goto('/home');
  await expect(page).toHaveURL(/\/login$/);
  await page.goto('/staff');
  await expect(page).toHaveURL(/\/login$/);
});

test('a parent marks a timeline item done and the centre confirms it', async ({ browser }) => {
  const phone = await browser.newPage({ viewport: { width: 360, height: 740 }, locale: 'ja-JP' });
  await logIn(phone, 'parent2@demo.yorisoi.jp');
  await expect(phone).toHaveURL(/\/home$/);
  await expect(phone.getByTestId('timeline')).toHaveCount(1);
  // The first item due that the parent can mark (a contact the centre recorded shows as done).
  const next = phone.getByTestId('next-up').getByTestId('item').filter({ has: phone.getByTestId('mark-done') }).first();
  await expect(next).toBeVisible();
  const key = (await next.getAttribute('data-key'))!;
  await next.getByTestId('mark-done').click();
  await next.getByTestId('save-done').click();
  const done = phone.locator(`[data-testid="item"][data-key="${key}"][data-status="completed"]`).first();
  await expect(done).toHaveCount(1);
  await expect(done.getByTestId('record')).toContainText('記録');

  const staff = await browser.newPage();
  await logIn(staff, COORDINATOR);
  await expect(staff).toHaveURL(/\/staff$/);
  await staff.goto('/staff?q=' + encodeURIComponent('さとう'));
  await staff.getByTestId('caseload-row').getByRole('link').first().click();
  await hydrated(staff);
  const item = staff.locator(`[data-testid="item"][data-key="${key}"][data-status="completed"]`).first();
  await item.getByTestId('confirm').click();
  await expect(staff.locator(`[data-testid="item"][data-key="${key}"]`).first().getByTestId('confirm')).toHaveCount(0);

  await phone.reload();
  await expect(phone.locator(`[data-testid="item"][data-key="${key}"]`).first().getByTestId('record')).toContainText('確認');
});

test("a parent's list of everything by month is folded in the page and opens without the client", async ({ browser }) => {
  const phone = await browser.newPage({ viewport: { width: 360, height: 740 }, locale: 'ja-JP' });
  await logIn(phone, 'parent@demo.yorisoi.jp');
  await expect(phone).toHaveURL(/\/home$/);
  const all = phone.getByTestId('all-items').first();
  // Closed, its rows are in the page but folded away (plain HTML: nothing hydrates them).
  await expect(all.getByTestId('item').first()).toBeHidden();
  const soon = await phone.getByTestId('timeline').first().getByTestId('next-up').getByTestId('item').count();
  await all.locator(':scope > summary').click();
  await expect(all.locator('h4.month').first()).toBeVisible();
  const rows = await all.getByTestId('item').count();
  expect(rows).toBeGreaterThan(soon);
  // The rows work like the ones in "now and soon": a date can be recorded from them.
  await all.getByTestId('item').filter({ has: phone.getByTestId('mark-done') }).first().getByTestId('mark-done').click();
  await expect(all.getByTestId('save-done').first()).toBeVisible();

  const staff = await browser.newPage();
  await logIn(staff, COORDINATOR);
  await expect(staff).toHaveURL(/\/staff$/);
  await staff.goto('/staff?q=' + encodeURIComponent('さとう'));
  await staff.getByTestId('caseload-row').getByRole('link').first().click();
  await expect(staff.getByTestId('family-name')).toBeVisible();
  // Server-rendered in full for staff, closed or not.
  expect(await staff.getByTestId('all-items').first().getByTestId('item').count()).toBeGreaterThan(0);
});

test('a coordinator records a birth and the timeline continues as the child', async ({ page }) => {
  await logIn(page, COORDINATOR);
  await expect(page).toHaveURL(/\/staff$/);
  await page.goto('/staff?q=' + encodeURIComponent('すずき'));
  await page.getByTestId('caseload-row').getByRole('link').first().click();
  await hydrated(page);
  await expect(page.getByTestId('timeline').getByRole('heading', { level: 2 })).toContainText('妊娠');
  await page.getByTestId('record-birth').first().click();
  await page.getByLabel('お子さんの名前').fill('鈴木 湊');
  await page.getByLabel('フリガナ').first().fill('すずき みなと');
  const today = new Date().toISOString().slice(0, 10);
  await page.getByLabel('生年月日').first().fill(today);
  await page.getByTestId('save-birth').click();
  await expect(page.getByTestId('timeline').getByRole('heading', { level: 2 })).toHaveText('鈴木 湊');
  await expect(page.locator('[data-testid="item"][data-key="hepb-1"]')).toHaveCount(1);
});
