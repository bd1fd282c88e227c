// Reminder settings on a phone. Headless Chromium here cannot reach a real push service, so
// `pushManager.subscribe()` and the permission answer are stood in for; everything else is real:
// the service worker registers, the page asks for permission only after the button, the device is
// stored on the server and listed, and the settings are saved.
import { expect, test } from '@playwright/test';
import { hydrated, logIn } from './helpers';

test('a parent turns reminders on after an explanation, sees the device and chooses quiet hours', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'ja-JP' });
  await context.addInitScript(() => {
    (window as any).__permissionAsked = 0;
    Notification.requestPermission = async () => {
      (window as any).__permissionAsked += 1;
      return 'granted';
    };
    PushManager.prototype.subscribe = async function () {
      return {
        toJSON: () => ({
          endpoint: 'https://push.example.invalid/e2e/' + Date.now(),
          keys: { p256dh: 'B' + 'A'.repeat(86), auth: 'A'.repeat(22) },
        }),
      } as unknown as PushSubscription;
    };
  });
  const page = await context.newPage();
  await logIn(page, 'parent@demo.yorisoi.jp');
  await expect(page).toHaveURL(/\/home$/);
  await page.goto('/settings/reminders');
  await hydrated(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('通知の設定');
  // No permission prompt on page load.
  expect(await page.evaluate(() => (window as any).__permissionAsked)).toBe(0);
  // The service worker registers.
  await expect
    .poll(() => page.evaluate(async () => Boolean(await navigator.serviceWorker.getRegistration('/'))))
    .toBe(true);

  await page.getByTestId('enable-push').click();
  await expect(page.getByTestId('device')).toHaveCount(1);
  expect(await page.evaluate(() => (window as any).__permissionAsked)).toBe(0); // the page reloaded
  await expect(page.getByTestId('device')).toContainText('Chrome');

  await page.getByTestId('days-ahead').selectOption('7');
  await page.getByTestId('quiet-from').fill('22:00');
  await page.getByTestId('save-preferences').click();
  await expect(page.getByTestId('preferences-saved')).toBeVisible();
  await page.reload();
  await expect(page.getByTestId('days-ahead')).toHaveValue('7');
  await expect(page.getByTestId('quiet-from')).toHaveValue('22:00');

  await hydrated(page);
  await page.getByTestId('remove-device').click();
  await expect(page.getByTestId('device')).toHaveCount(0);
  await context.close();
});

test('a push shows a notification with only its title and in-app link', async ({ browser }) => {
  const context = await browser.newContext();
  await context.grantPermissions(['notifications']);
  const page = await context.newPage();
  await page.goto('/login');
  await hydrated(page);
  // Only an active worker may show notifications: wait until it has installed (it precaches the
  // client first, which takes a while on a slow machine) and activated.
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  // The worker's own push handler, fed a payload as a push service would deliver it.
  const shown = await worker.evaluate(async () => {
    const event = new (self as any).PushEvent('push', {
      data: JSON.stringify({ title: 'よりそい: センターから返信があります', url: '/consultations/1' }),
    });
    self.dispatchEvent(event);
    let list: Notification[] = [];
    for (let i = 0; i < 50 && list.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      list = await (self as any).registration.getNotifications();
    }
    return list.map((n: Notification) => ({ title: n.title, url: (n.data as any).url }));
  });
  expect(shown).toContainEqual({ title: 'よりそい: センターから返信があります', url: '/consultations/1' });
  await context.close();
});
