import path from "node:path";
import os from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**", ".next/**", ".next-*/**", "test-results*/**", "e2e/**", ".data/**"],
    environment: "node",
    globalSetup: ["./lib/testing/vitest-setup.ts"],
    setupFiles: ["./lib/testing/vitest-worker-setup.ts"],
    pool: "forks",
    // Most database, CLI and protocol tests wait on a socket or a child process, not the CPU: one more
    // worker than cores keeps both cores busy (3 on these 2-core machines: 583 s → 271 s with the
    // module cache kept per worker). Every file opens its own database and passes it explicitly; what
    // files of one worker do share is module-level caches (parsed env, certificate keys by PEM, the
    // OIDC provider per database), which no test's outcome depends on: the suite gives the same
    // results isolated (one worker, 583 s) and not.
    maxWorkers: os.availableParallelism() + 1,
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: {
      APP_ENV: "test",
      DATA_DIR: path.join(os.tmpdir(), "gatehouse-vitest-data"),
      APP_URL: "http://localhost:3999",
    },
  },
});
