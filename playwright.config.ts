// End-to-end tests drive Debian's Chromium (Playwright cannot download its
// own browsers here) against the real app: `npm start`'s server with its
// embedded PostgreSQL and Meilisearch, on a fresh data directory and demo data.
import { defineConfig } from "@playwright/test";

const PORT = Number(process.env.E2E_PORT ?? 3100);
// Its own data directory, so runs on other ports can go on side by side.
const DATA_DIR = process.env.E2E_DATA_DIR ?? ".data/e2e";

export default defineConfig({
  testDir: "tests/e2e",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: process.env.CI ? [["list"]] : [["list"]],
  use: {
    baseURL: `http://localhost:${PORT}`,
    locale: "en-US",
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  webServer: {
    command: `rm -rf ${DATA_DIR} && exec node --import tsx server/index.ts`,
    // Stop it the way a service manager would, so it stops its embedded
    // servers (they run in their own process group and would outlive a kill).
    gracefulShutdown: { signal: "SIGTERM", timeout: 30_000 },
    url: `http://localhost:${PORT}/healthz`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      PORT: String(PORT),
      DATA_DIR,
      EMBEDDED_PG_PORT: process.env.E2E_PG_PORT ?? "54369",
      EMBEDDED_MEILI_PORT: process.env.E2E_MEILI_PORT ?? "7741",
      // The specs send mail to it (tests/e2e/support.ts).
      INBOUND_SMTP_PORT: process.env.E2E_SMTP_PORT ?? "2635",
      PUBLIC_URL: `http://localhost:${PORT}`,
      NODE_ENV: "production",
    },
  },
});
