// The staff side: a pregnancy notification with an interview that flags risk, the plan-review
// task it creates, a home visit whose EPDS flags at once, the audit log and the figures.
import { expect, Page, test } from '@playwright/test';
import { ADMIN, COORDINATOR, TOWN_COORDINATOR, TOWN_PASSWORD, hydrated, logIn } from './helpers';

function isoDate(offsetDays = 0) {
  const d = new Date(Date.now() + offsetDays * 86_400_000);
  return d.toISOString().slice(0, 10);
}

/** Registers a new family's pregnancy and returns the family page's URL. */
async function registerFamily(page: Page, name: string, kana: string) {
  await page.goto('/staff/register');
  await hydrated(page);
  await page.getByLabel('世帯の姓').fill(name);
  await page.getByLabel('セイ（フリガナ）').fill(kana);
  await page.getByTestId('due-date').fill(isoDate(200));
  await page.getByTestId('notified-on').fill(isoDate(0));
  await page.getByTestId('register-submit').click();
  await expect(page).toHaveURL(/\/staff\/families\/\d+$/);
  await expect(page.getByTestId('family-name')).toContainText(name);
  await hydrated(page);
  return page.url();
}

test('a coordinator registers a pregnancy, records an interview that flags risk, and finds the plan-review task', async ({ page }) => {
  await logIn(page, COORDINATOR);
  await expect(page).toHaveURL(/\/staff$/);
  const name = `届出${Date.now() % 100000}`;
  await registerFamily(page, name, 'とどけで');

  await page.getByTestId('record-interview').click();
  await page.getByTestId('interview-held-on').fill(isoDate(0));
  await page.getByLabel('手伝ってくれる人がいない').check();
  await page.getByLabel('家庭での支え').selectOption('none');
  await page.getByTestId('interview-risk').selectOption('specified_pregnancy');
  await page.getByTestId('interview-risk-reason').fill('支援者がいない');
  await page.getByTestId('save-interview').click();

  await expect(page.getByTestId('risk-flag')).toContainText('特定妊婦');
  await expect(page.getByTestId('interview')).toContainText('手伝ってくれる人がいない');
  await expect(page.getByTestId('support-plan')).toHaveCount(1);
  // The notification interview is done on the timeline too.
  await expect(page.locator('[data-testid="next-up"] [data-testid="item"][data-key="interview-notification"][data-status="completed"]')).toHaveCount(1);

  await page.goto('/staff/tasks');
  const review = page.locator('[data-testid="task"][data-kind="plan_review"]').filter({ hasText: name });
  await expect(review).toHaveCount(1);
  await review.getByRole('link').click();
  await expect(page.getByTestId('family-name')).toContainText(name);
});

test('an interview missing the reason for its flag is refused in Japanese and keeps the form', async ({ page }) => {
  await logIn(page, COORDINATOR);
  await expect(page).toHaveURL(/\/staff$/);
  await registerFamily(page, `理由${Date.now() % 100000}`, 'りゆう');
  await page.getByTestId('record-interview').click();
  await page.getByTestId('interview-held-on').fill(isoDate(0));
  await page.getByLabel('体調').fill('つわりが強い');
  await page.getByTestId('interview-risk').selectOption('needs_support');
  await page.getByTestId('save-interview').click();
  await expect(page.getByTestId('error')).toContainText('区分の理由を入力してください。');
  await expect(page.getByLabel('体調')).toHaveValue('つわりが強い');
  await expect(page.getByTestId('risk-flag')).toHaveCount(0);
});

test('a home visit whose EPDS reaches nine flags the family at once', async ({ page }) => {
  await logIn(page, COORDINATOR);
  await expect(page).toHaveURL(/\/staff$/);
  await registerFamily(page, `訪問${Date.now() % 100000}`, 'ほうもん');
  await page.getByTestId('plan-visit').click();
  await page.locator('#visit-kind').selectOption('follow_up');
  await page.locator('#visit-due').fill(isoDate(7));
  await page.getByTestId('save-plan-visit').click();
  await expect(page.getByTestId('home-visit')).toHaveCount(1);

  await page.getByTestId('record-visit').click();
  // Printed positions: items 1, 2, 4 "2" = 1 point each; reversed items "3" = 1 point each,
  // item 10 "4" = 0 → a total of exactly 9.
  for (const n of [1, 2, 4]) await page.getByTestId(`epds-${n}`).selectOption('2');
  for (const n of [3, 5, 6, 7, 8, 9]) await page.getByTestId(`epds-${n}`).selectOption('3');
  await page.getByTestId('epds-10').selectOption('4');
  await page.getByTestId('save-visit').click();
  await expect(page.getByTestId('epds-flagged')).toBeVisible();
  await expect(page.getByTestId('risk-flag')).toContainText('要支援');
  await expect(page.getByTestId('risk-flag')).toContainText('EPDS 9');
  await expect(page.getByTestId('home-visit')).toContainText('EPDS 9点');
});

test('an admin reads who opened a family in the audit log, and the figures export as CSV', async ({ browser }) => {
  const staff = await browser.newPage();
  await logIn(staff, COORDINATOR);
  await expect(staff).toHaveURL(/\/staff$/);
  await staff.goto('/staff?q=' + encodeURIComponent('たかはし'));
  await staff.getByTestId('caseload-row').getByRole('link').first().click();
  const number = (await staff.getByTestId('family-number').textContent())!.trim();

  const admin = await browser.newPage();
  await logIn(admin, ADMIN);
  await expect(admin).toHaveURL(/\/staff$/);
  await admin.goto(`/staff/audit?family=${number}`);
  await expect(admin.getByTestId('audit-line').filter({ hasText: '保健 さくら' }).first()).toContainText('閲覧');

  await staff.goto('/staff/figures');
  await expect(staff.getByTestId('chart-notification_interview')).toBeVisible();
  await expect(staff.getByTestId('figures-row')).toHaveCount(12);
  const csv = await staff.request.get('/staff/figures.csv');
  expect(csv.status()).toBe(200);
  expect(csv.headers()['content-type']).toContain('text/csv');
  expect(await csv.text()).toContain('month,site,notifications');
});

test('a town of 400 families gets its task list a page of 100 at a time, with the total and the late ones', async ({ page }) => {
  await logIn(page, TOWN_COORDINATOR, TOWN_PASSWORD);
  await expect(page).toHaveURL(/\/staff$/);
  await page.goto('/staff/tasks?scope=all');
  const count = await page.getByTestId('task-count').innerText();
  const match = count.match(/(\d+)件（うち期限切れ (\d+)件）/);
  expect(match, count).not.toBeNull();
  const [total, late] = [Number(match![1]), Number(match![2])];
  expect(total).toBeGreaterThan(100);
  const pages = Math.ceil(total / 100);
  const tasks = page.getByTestId('task');
  await expect(tasks).toHaveCount(100);
  const pager = page.getByTestId('task-pager');
  await expect(pager).toContainText(`1 / ${pages}ページ`);
  await expect(pager.getByRole('link', { name: '前へ' })).toHaveCount(0);
  // The list is earliest due first, so the late ones lead it.
  await expect(page.locator('[data-testid="task"].late')).toHaveCount(Math.min(late, 100));

  await hydrated(page);
  await pager.getByRole('link', { name: '次へ' }).click();
  await expect(page).toHaveURL(/scope=all&page=2$/);
  await expect(pager).toContainText(`2 / ${pages}ページ`);
  await expect(tasks).toHaveCount(pages > 2 ? 100 : total - 100);
  await expect(page.locator('[data-testid="task"].late')).toHaveCount(Math.min(Math.max(late - 100, 0), 100));
  await expect(page.getByTestId('task-scope')).toHaveValue('all');
});

test('one client for the whole app: parent and staff pages fetch the same WASM, sent brotli and kept for good', async ({ browser }) => {
  /** The WASM files a page asks for, by path. */
  function wasmRequests(page: Page) {
    const seen = new Set<string>();
    page.on('request', (r) => {
      const path = new URL(r.url()).pathname;
      if (path.endsWith('.wasm')) seen.add(path);
    });
    return seen;
  }

  const parent = await browser.newPage();
  const parentWasm = wasmRequests(parent);
  await logIn(parent, 'parent@demo.yorisoi.jp');
  await expect(parent).toHaveURL(/\/home$/);
  await parent.getByRole('link', { name: '相談', exact: true }).click();
  await expect(parent).toHaveURL(/\/consultations$/);
  await hydrated(parent);
  expect([...parentWasm], 'the login and consultations pages share one WASM').toHaveLength(1);
  const [main] = [...parentWasm];
  expect(main).toMatch(/^\/pkg\/yorisoi\.[A-Za-z0-9_-]{22}\.wasm$/);
  const response = await parent.request.get(main, { headers: { 'Accept-Encoding': 'br' } });
  expect(response.ok()).toBe(true);
  expect(response.headers()['content-encoding']).toBe('br');
  expect(response.headers()['cache-control']).toBe('public, max-age=31536000, immutable');
  await parent.close();

  const staff = await browser.newPage();
  const staffWasm = wasmRequests(staff);
  await logIn(staff, COORDINATOR);
  await expect(staff).toHaveURL(/\/staff$/);
  await staff.getByRole('link', { name: 'タスク', exact: true }).click();
  await expect(staff).toHaveURL(/\/staff\/tasks$/);
  await hydrated(staff);
  await expect(staff.getByRole('heading', { level: 1, name: 'タスク' })).toBeVisible();
  // Staff screens carry no code of their own: whatever they fetched is the same one file.
  expect([...staffWasm].filter((p) => p !== main)).toEqual([]);
  await staff.close();
});

test('a coordinator narrows the caseload by stage, category and late items, pages keep the filter, and a bad value is refused', async ({ page }) => {
  await logIn(page, TOWN_COORDINATOR, TOWN_PASSWORD);
  await expect(page).toHaveURL(/\/staff$/);
  const totalOf = async () => Number((await page.getByTestId('caseload-total').innerText()).match(/(\d+)世帯/)![1]);
  const everyone = await totalOf();
  expect(everyone).toBeGreaterThanOrEqual(400);

  // Pregnant between 12 and 20 weeks: every row says so.
  await hydrated(page);
  await page.getByTestId('caseload-filters').locator('summary').click();
  await page.getByTestId('filter-stage').selectOption('pregnant');
  await page.getByLabel('妊娠週数（から）').fill('12');
  await page.getByLabel('妊娠週数（まで）').fill('20');
  await page.getByTestId('apply-filters').click();
  await expect(page).toHaveURL(/stage=pregnant/);
  await expect(page).toHaveURL(/from_week=12/);
  const pregnant = await totalOf();
  expect(pregnant).toBeGreaterThan(0);
  expect(pregnant).toBeLessThan(everyone);
  const rows = page.getByTestId('caseload-row');
  for (const stage of await rows.locator('td:nth-child(2)').allInnerTexts()) {
    const weeks = Number(stage.match(/妊娠 (\d+)週/)![1]);
    expect(weeks).toBeGreaterThanOrEqual(12);
    expect(weeks).toBeLessThanOrEqual(20);
  }
  // The form shows what was chosen.
  await expect(page.getByTestId('filter-stage')).toHaveValue('pregnant');

  // Any support category with late items: each row shows its category and its late count.
  await page.goto('/staff?flag=any&late=1');
  const flaggedLate = await totalOf();
  expect(flaggedLate).toBeGreaterThan(0);
  await expect(page.getByTestId('filter-late')).toBeChecked();
  const shown = await rows.count();
  expect(shown).toBe(Math.min(flaggedLate, 20));
  for (let i = 0; i < shown; i++) {
    const row = rows.nth(i);
    await expect(row.getByTestId('row-flag').first()).toBeVisible();
    expect(Number(await row.getByTestId('row-tasks').getAttribute('data-late'))).toBeGreaterThan(0);
  }
  // A first look at the tasks from the row.
  await rows.first().getByTestId('row-tasks').locator('summary').click();
  await expect(rows.first().getByTestId('row-tasks').locator('li').first()).toBeVisible();

  // The next page keeps the filter.
  await page.goto('/staff?stage=pregnant');
  const expecting = await totalOf();
  expect(expecting).toBeGreaterThan(20);
  await page.getByRole('link', { name: '次へ' }).click();
  await expect(page).toHaveURL(/stage=pregnant/);
  await expect(page).toHaveURL(/after=/);
  expect(await totalOf()).toBe(expecting);
  await expect(rows).toHaveCount(Math.min(expecting - 20, 20));
  for (const stage of await rows.locator('td:nth-child(2)').allInnerTexts()) {
    expect(stage).toMatch(/^妊娠 \d+週\d日$/);
  }

  // A value that cannot be a filter gets a message naming the field, in Japanese.
  await page.goto('/staff?stage=teen');
  await expect(page.getByTestId('error')).toContainText('状況');
  await page.screenshot({ path: 'test-results/caseload-refused-360.png' });
  await page.getByTestId('clear-filters').click();
  await expect(page).toHaveURL(/\/staff$/);
  expect(await totalOf()).toBe(everyone);
  await page.goto('/staff?flag=any&late=1');
  await rows.first().getByTestId('row-tasks').locator('summary').click();
  await page.screenshot({ path: 'test-results/caseload-filtered-360.png', fullPage: true });
});

test('a coordinator writes a サポートプラン for the mother, records the 合同ケース会議 that decided it, and reads both back', async ({ page }) => {
  await logIn(page, COORDINATOR);
  await expect(page).toHaveURL(/\/staff$/);
  const name = `計画${Date.now() % 100000}`;
  const familyPage = await registerFamily(page, name, 'けいかく');

  const form = page.getByTestId('plan-form-new');
  await page.getByTestId('new-plan').click();
  // A category the subject does not fit is refused in Japanese, and what was typed stays.
  await form.locator('[name="input[category]"]').selectOption('child_needing_support');
  await form.locator('[name="input[subject]"]').selectOption('mother');
  await form.locator('[name="input[goals]"]').fill('出産までに相談先をつくる');
  await form.getByRole('button', { name: '保存する' }).click();
  await expect(page.getByTestId('error')).toContainText('対象は、この区分では選べません');
  await expect(form.locator('[name="input[goals]"]')).toHaveValue('出産までに相談先をつくる');
  await expect(page.getByTestId('support-plan')).toHaveCount(0);

  await form.locator('[name="input[category]"]').selectOption('specified_pregnancy');
  await form.locator('[name="input[starts_on]"]').fill(isoDate(0));
  await form.locator('[name="input[review_on]"]').fill(isoDate(30));
  await form.locator('[name="input[ends_on]"]').fill(isoDate(180));
  await form.locator('[name="input[services]"]').fill('月1回の家庭訪問');
  await form.locator('[name="input[shared_on]"]').fill(isoDate(0));
  await form.locator('[name="input[shared_how]"]').selectOption('in_person');
  await form.locator('[name="input[sharing_note]"]').fill('本人は訪問を希望');
  await form.getByRole('button', { name: '保存する' }).click();

  const plan = page.getByTestId('support-plan');
  await expect(plan).toHaveCount(1);
  await expect(plan).toContainText('特定妊婦');
  await expect(plan).toContainText('母（妊産婦）');
  await expect(plan.getByTestId('plan-shared')).toContainText('面談で説明');
  await expect(plan).toContainText('本人は訪問を希望');
  await hydrated(page);

  // The meeting that decided it, with who took part.
  await plan.getByText('会議を記録する').click();
  const meeting = plan.locator('[data-testid^="meeting-form-"]');
  await meeting.locator('[name="input[purpose]"]').selectOption('decided');
  await meeting.locator('[name="input[participants][0][role]"]').fill('保健師');
  await meeting.locator('[name="input[participants][0][institution]"]').fill('こども家庭センター');
  await meeting.locator('[name="input[participants][1][role]"]').fill('児童福祉司');
  await meeting.locator('[name="input[participants][1][institution]"]').fill('よりそい児童相談所');
  await meeting.locator('[name="input[decisions]"]').fill('特定妊婦として支援し、8か月で見直す');
  await meeting.locator('[name="input[next_review_on]"]').fill(isoDate(60));
  await meeting.getByRole('button', { name: '保存する' }).click();

  const held = page.getByTestId('case-meeting');
  await expect(held).toHaveCount(1);
  await expect(held).toContainText('策定');
  await expect(held).toContainText('児童福祉司（よりそい児童相談所）');
  await expect(held).toContainText('特定妊婦として支援し、8か月で見直す');

  // Read back from the server on a fresh load: the meeting moved the review.
  await page.goto(familyPage);
  await expect(page.getByTestId('case-meeting')).toContainText('保健師（こども家庭センター）');
  const [y, m, d] = isoDate(60).split('-').map(Number);
  await expect(page.getByTestId('plan-review')).toContainText(`${y}年${m}月${d}日`);
  await page.getByTestId('support-plan').scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/support-plan-360.png', fullPage: true });
});

test('an admin adds a site of its type, moves a family there, and sets how long before a booking parents can change it', async ({ page }) => {
  await logIn(page, ADMIN);
  await expect(page).toHaveURL(/\/staff$/);
  await page.goto('/staff/accounts');
  await hydrated(page);
  const name = `南部拠点${Date.now() % 100000}`;
  const sites = page.locator('#sites');
  await sites.getByText('拠点を追加', { exact: true }).first().click();
  await page.locator('#site-name-new').fill(name);
  await page.locator('#site-kind-new').selectOption('basic');
  await sites.getByRole('button', { name: '拠点を追加' }).click();
  await expect(page.getByRole('status')).toContainText('拠点を保存しました');
  const added = page.getByTestId('site').filter({ hasText: name });
  await expect(added).toContainText('基本型');
  await expect(added).toHaveAttribute('data-closed', 'false');

  // A newly registered family moves there, from its own page.
  await registerFamily(page, `転居${Date.now() % 100000}`, 'てんきょ');
  await page.getByText('担当拠点を変更', { exact: true }).first().click();
  await page.locator('#move-site').selectOption({ label: name });
  await page.getByRole('button', { name: '担当拠点を変更' }).click();
  await expect(page.getByTestId('family-site')).toHaveText(name);

  // Parents may change a booking until two days before it.
  await page.goto('/staff/slots');
  await hydrated(page);
  await page.getByTestId('cutoff-hours').fill('48');
  await page.getByRole('button', { name: 'きまりを保存' }).click();
  await expect(page.getByTestId('booking-rules')).toContainText('48 時間前まで');
  await page.getByTestId('cutoff-hours').fill('24');
  await page.getByRole('button', { name: 'きまりを保存' }).click();
  await expect(page.getByTestId('booking-rules')).toContainText('24 時間前まで');
});
