import { serverArgs } from "./support/server-command";
import { spawn } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { mkdtempSync } from "node:fs";
import { expect, test } from "./support/fixtures";

test("health answers 503 when the database is unreachable", async ({ request }) => {
  const port = Number(process.env.E2E_PORT_BASE ?? 3100) + 9;
  const child = spawn(process.execPath, serverArgs(), {
    cwd: process.cwd(),
    env: {
      PATH: process.env.PATH,
      NODE_ENV: "production",
      APP_ENV: "development",
      PORT: String(port),
      APP_URL: `http://localhost:${port}`,
      DATA_DIR: mkdtempSync(path.join(os.tmpdir(), "gh-health-")),
      DATABASE_URL: "postgres://postgres@127.0.0.1:1/unreachable",
      ...(process.env.NEXT_DIST_DIR ? { NEXT_DIST_DIR: process.env.NEXT_DIST_DIR } : {}),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("server did not start")), 30_000);
      child.stdout.on("data", (d: Buffer) => {
        if (d.toString().includes("Gatehouse listening")) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.on("exit", (code) => reject(new Error(`exited ${code}`)));
    });
    const res = await request.get(`http://localhost:${port}/api/health`);
    expect(res.status()).toBe(503);
    expect(await res.json()).toEqual({ status: "degraded", db: "unreachable" });
  } finally {
    child.kill("SIGTERM");
  }
});
