// Getting back in: a parent who forgot their password, at a centre that sends no e-mail, gets a
// code at the counter and sets a new password on their phone.
import { expect, test } from '@playwright/test';
import { COORDINATOR, DEMO_PASSWORD, hydrated, logIn } from './helpers';

const PARENT = 'parent2@demo.yorisoi.jp';

test('a parent without e-mail sets a new password with a code from the counter', async ({ browser }) => {
  // The parent's family, as the parent's own page names it.
  const phone = await browser.newPage({ viewport: { width: 360, height: 740 }, locale: 'ja-JP' });
  await logIn(phone, PARENT);
  await expect(phone).toHaveURL(/\/home$/);
  const familyName = (await phone.getByRole('heading', { level: 1 }).textContent())!.trim().split(' ')[0];
  await phone.context().clearCookies();

  // This centre has no mail server: the page sends the parent to the counter.
  await phone.goto('/login');
  await phone.getByTestId('forgot-link').click();
  await expect(phone).toHaveURL(/\/forgot$/);
  await expect(phone.getByTestId('ask-the-centre')).toBeVisible();

  // At the counter a coordinator issues a code on the family's page.
  const issueCode = async () => {
    const staff = await browser.newPage();
    await logIn(staff, COORDINATOR);
    await expect(staff).toHaveURL(/\/staff$/);
    await staff.getByLabel('氏名・フリガナで検索').fill(familyName);
    await staff.getByRole('button', { name: '検索' }).click();
    await staff.getByTestId('caseload-row').first().getByRole('link').click();
    await hydrated(staff);
    await staff.getByText('パスワード再設定コードを発行', { exact: true }).first().click();
    await staff.getByTestId('issue-reset-code').click();
    const code = (await staff.getByTestId('reset-code').textContent())!.trim();
    expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    await staff.close();
    return code;
  };
  const code = await issueCode();

  // The parent enters it with their e-mail and a new password, and is signed in.
  await phone.getByRole('link', { name: '再設定コードを入力する' }).click();
  await expect(phone).toHaveURL(/\/reset$/);
  await hydrated(phone);
  await phone.getByLabel('再設定コード').fill(code);
  await phone.getByLabel('メールアドレス').fill(PARENT);
  await phone.getByLabel('新しいパスワード（8文字以上）').fill('a brand new password');
  await phone.getByRole('button', { name: '設定してログイン' }).click();
  await expect(phone).toHaveURL(/\/home$/);

  // The code was used up: a second try is refused in Japanese, and the form keeps what was typed.
  await phone.context().clearCookies();
  await phone.goto('/reset');
  await hydrated(phone);
  await phone.getByLabel('再設定コード').fill(code);
  await phone.getByLabel('メールアドレス').fill(PARENT);
  await phone.getByLabel('新しいパスワード（8文字以上）').fill('yet another password');
  await phone.getByRole('button', { name: '設定してログイン' }).click();
  await expect(phone.getByRole('alert')).toContainText('このリンクまたはコードは使えません');
  await expect(phone.getByLabel('メールアドレス')).toHaveValue(PARENT);

  // Put the demo password back for the other tests, with a second code.
  const again = await issueCode();
  await phone.getByLabel('再設定コード').fill(again);
  await phone.getByLabel('新しいパスワード（8文字以上）').fill(DEMO_PASSWORD);
  await phone.getByRole('button', { name: '設定してログイン' }).click();
  await expect(phone).toHaveURL(/\/home$/);
});
