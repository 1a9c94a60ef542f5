#!/usr/bin/env node
// npm start: build once when no (current) build exists, then serve it.
import { spawnSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
process.chdir(root);

/** A fingerprint of everything the build depends on, so a pulled change triggers a rebuild. */
function sourceStamp() {
  const h = createHash("sha256");
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir).sort()) {
      const p = path.join(dir, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else h.update(`${p}:${st.size}:${st.mtimeMs}\n`);
    }
  };
  for (const d of ["app", "components", "lib", "db", "public"]) walk(d);
  for (const f of ["package-lock.json", "next.config.mjs", "tailwind.config.ts", "proxy.ts", "instrumentation.ts", "tsconfig.json"]) {
    if (existsSync(f)) h.update(`${f}:${statSync(f).mtimeMs}\n`);
  }
  return h.digest("hex");
}

const stampFile = path.join(".next", "gatehouse-source-stamp");
const stamp = sourceStamp();
const built = existsSync(path.join(".next", "BUILD_ID")) && existsSync(stampFile) && readFileSync(stampFile, "utf8") === stamp;
if (!built) {
  console.log("Gatehouse: building the app (first start or changed sources; this takes a minute)…");
  const r = spawnSync(process.execPath, [path.join("node_modules", "next", "dist", "bin", "next"), "build"], {
    stdio: "inherit",
    env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
  writeFileSync(stampFile, stamp);
}

const child = spawn(process.execPath, ["--import", "tsx", path.join("lib", "server", "http-server.ts")], {
  stdio: "inherit",
  env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
});
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
