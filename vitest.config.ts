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
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: {
      APP_ENV: "test",
      DATA_DIR: path.join(os.tmpdir(), "gatehouse-vitest-data"),
      APP_URL: "http://localhost:3999",
    },
  },
});
