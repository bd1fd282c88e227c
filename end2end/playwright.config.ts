// Browser tests run against the real server binary (built by `cargo leptos build`) on a fresh
// SQLite file with the demo data (and `yorisoi seed-scale`'s town of 400 families), in Debian's
// chromium. No browser is downloaded.
import { defineConfig, devices } from '@playwright/test';

const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = process.env.BASE_URL ?? `http://127.0.0.1:${port}`;
const database = `sqlite://target/e2e/run-${Date.now()}.db`;
const server = process.env.E2E_SERVER ?? 'target/debug/yorisoi';

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL,
    locale: 'ja-JP',
    headless: true,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  projects: [
    { name: 'phone', use: { ...devices['Pixel 5'], viewport: { width: 360, height: 740 }, defaultBrowserType: 'chromium' } },
  ],
  webServer: process.env.BASE_URL
    ? undefined
    : {
        // A town of 400 families beside the demo one, for the pages that list many (the task list's pages).
        command: `sh -c '${server} seed-scale --families 400 > /dev/null && exec ${server}'`,
        cwd: '..',
        url: `${baseURL}/health`,
        reuseExistingServer: false,
        timeout: 60_000,
        stdout: 'pipe',
        env: {
          DATABASE_URL: database,
          YORISOI_DEMO: 'true',
          LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
          LEPTOS_SITE_ROOT: 'target/site',
          LEPTOS_SITE_PKG_DIR: 'pkg',
          LEPTOS_OUTPUT_NAME: 'yorisoi',
          RUST_LOG: 'warn',
        },
      },
});
