// The one-stop window: a coordinator publishes a slot, a parent on a phone books it and writes,
// the coordinator replies from the inbox, and the parent sees the reply and that it was read.
import { expect, test } from '@playwright/test';
import { COORDINATOR, hydrated, logIn } from './helpers';

function isoDate(offsetDays = 0) {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

test('a parent books a slot and writes, a coordinator replies, and the parent sees the reply', async ({ browser }) => {
  const staff = await browser.newPage();
  await logIn(staff, COORDINATOR);
  await expect(staff).toHaveURL(/\/staff$/);
  await staff.goto('/staff/slots');
  await hydrated(staff);
  await staff.getByTestId('slot-date').fill(isoDate(3));
  await staff.getByTestId('slot-time').fill('14:30');
  await staff.getByTestId('publish-slots').click();
  await expect(staff.getByTestId('published')).toBeVisible();
  const when = `${isoDate(3)} 14:30`;

  const phone = await browser.newPage({ viewport: { width: 360, height: 740 }, locale: 'ja-JP' });
  await logIn(phone, 'parent@demo.yorisoi.jp');
  await expect(phone).toHaveURL(/\/home$/);
  await phone.getByTestId('ask-centre').click();
  await expect(phone).toHaveURL(/\/consultations\/new$/);
  await hydrated(phone);
  await phone.getByTestId('topic').selectOption('feeding');
  const question = `ミルクの量が足りているか心配です ${Date.now()}`;
  await phone.getByTestId('first-message').fill(question);
  await phone.getByTestId('open-consultation').click();
  await expect(phone).toHaveURL(/\/consultations\/\d+$/);
  await hydrated(phone);
  await expect(phone.getByTestId('message')).toContainText(question);
  const slot = phone.getByTestId('open-slot').filter({ hasText: when });
  await slot.getByTestId('book-slot').click();
  await expect(phone.getByTestId('booking')).toContainText(when);
  await phone.getByTestId('message-input').fill('当日は上の子も一緒に行ってもいいですか');
  await phone.getByTestId('send-message').click();
  await expect(phone.getByTestId('message')).toHaveCount(2);
  await expect(phone.getByTestId('unsent')).toHaveCount(0);

  // The coordinator finds it waiting, oldest first, and replies.
  await staff.goto('/staff/consultations');
  const row = staff.getByTestId('inbox-waiting').getByTestId('inbox-row').filter({ hasText: '授乳・食事' }).first();
  await expect(row).toBeVisible();
  await row.getByRole('link').click();
  await hydrated(staff);
  await expect(staff.getByTestId('message').first()).toContainText(question);
  await expect(staff.getByTestId('booking')).toContainText(when);
  await staff.getByTestId('message-input').fill('はい、どうぞ。体重も一緒に測りましょう。');
  await staff.getByTestId('send-message').click();
  await expect(staff.getByTestId('message')).toHaveCount(3);

  // The parent sees the news on the home screen, then the reply, and that the centre read theirs.
  await phone.goto('/home');
  await expect(phone.getByTestId('centre-notice')).toBeVisible();
  await phone.goto('/consultations');
  await expect(phone.getByTestId('unread').first()).toBeVisible();
  await phone.getByTestId('consultation').first().getByRole('link').click();
  await expect(phone.getByTestId('message').last()).toContainText('体重も一緒に測りましょう');
  await expect(phone.getByTestId('read-mark').first()).toBeVisible();
});

test('a message that cannot be sent stays on screen and goes out when the connection is back', async ({ browser }) => {
  const phone = await browser.newPage({ viewport: { width: 360, height: 740 }, locale: 'ja-JP' });
  await logIn(phone, 'parent2@demo.yorisoi.jp');
  await expect(phone).toHaveURL(/\/home$/);
  await phone.goto('/consultations/new');
  await hydrated(phone);
  await phone.getByTestId('first-message').fill('つわりがつらいです');
  await phone.getByTestId('open-consultation').click();
  await expect(phone).toHaveURL(/\/consultations\/\d+$/);
  await hydrated(phone);

  // The server cannot be reached: the message waits, marked as not sent.
  await phone.route('**/api/send_message', (route) => route.abort('internetdisconnected'));
  await phone.getByTestId('message-input').fill('水も飲めない日があります');
  await phone.getByTestId('send-message').click();
  await expect(phone.getByTestId('unsent')).toContainText('未送信');
  await expect(phone.getByTestId('unsent')).toContainText('水も飲めない日があります');

  // Back online: the automatic retry stores it once.
  await phone.unroute('**/api/send_message');
  await expect(phone.getByTestId('unsent')).toHaveCount(0, { timeout: 15_000 });
  await phone.reload();
  await expect(phone.getByTestId('message').filter({ hasText: '水も飲めない日があります' })).toHaveCount(1);
});

test('a message over 2000 characters is refused in Japanese and the text is kept', async ({ page }) => {
  await logIn(page, 'parent2@demo.yorisoi.jp');
  await expect(page).toHaveURL(/\/home$/);
  await page.goto('/consultations/new');
  await hydrated(page);
  await page.getByTestId('first-message').fill('相談です');
  await page.getByTestId('open-consultation').click();
  await expect(page).toHaveURL(/\/consultations\/\d+$/);
  await hydrated(page);
  const long = 'あ'.repeat(2001);
  // The browser's maxlength stops typing; a script or an old browser could still send it.
  await page.getByTestId('message-input').evaluate((el, text) => {
    (el as HTMLTextAreaElement).removeAttribute('maxlength');
  }, long);
  await page.getByTestId('message-input').fill(long);
  await page.getByTestId('send-message').click();
  await expect(page.getByTestId('error')).toContainText('メッセージが長すぎます。');
  await expect(page.getByTestId('message-input')).toHaveValue(long);
  await expect(page.getByTestId('message')).toHaveCount(1);
});
