#!/usr/bin/env node
// npm start: build once when no (current) build exists, then serve the compiled server with plain node.
import { spawn } from "node:child_process";
import path from "node:path";
import { buildIfNeeded } from "./build-if-needed.mjs";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
process.chdir(root);
try {
  buildIfNeeded(root);
} catch (e) {
  console.error(e.message);
  process.exit(1);
}
const distDir = process.env.NEXT_DIST_DIR || ".next";
const child = spawn(process.execPath, ["--enable-source-maps", path.join(distDir, "gatehouse-server.mjs")], {
  stdio: "inherit",
  env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
});
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
