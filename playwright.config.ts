import { defineConfig } from "@playwright/test";

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
  "--no-first-run",
];

/**
 * Time budgets are sized for a busy 2-core machine (a full `npm test` next to other work): a slow
 * machine makes the run slower, never red. Assertions wait on what the page shows, never on time.
 */
export default defineConfig({
  testDir: "./e2e",
  outputDir: process.env.E2E_OUTPUT_DIR ?? "./test-results",
  fullyParallel: true,
  workers: 2,
  retries: 0,
  timeout: 180_000,
  expect: { timeout: 20_000 },
  reporter: [["list"]],
  globalSetup: "./e2e/support/global-setup.ts",
  globalTeardown: "./e2e/support/global-teardown.ts",
  use: {
    browserName: "chromium",
    launchOptions: { executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS },
    actionTimeout: 30_000,
    navigationTimeout: 60_000,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  // `npm test` runs both projects in one run; the visual one is listed first so its long journeys start
  // first and the short functional tests fill the other worker, instead of a long journey at the end.
  projects: [
    // The visual lane: full-page screenshots of every page state + axe accessibility checks.
    { name: "visual", testMatch: /screenshots\.spec\.ts/ },
    // Behaviour: every journey and protocol path.
    { name: "functional", testMatch: /.*\.spec\.ts/, testIgnore: /screenshots\.spec\.ts/ },
  ],
});
