// Build the Next app and the server bundle when no build exists or the sources changed since the last build.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

/** A fingerprint of everything the build depends on, so a pulled change triggers a rebuild. */
function sourceStamp(root) {
  const h = createHash("sha256");
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir).sort()) {
      const p = path.join(dir, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (!/\.test\.ts$/.test(name)) h.update(`${path.relative(root, p)}:${st.size}:${st.mtimeMs}\n`);
    }
  };
  for (const d of ["app", "components", "lib", "db", "public", "server"]) walk(path.join(root, d));
  for (const f of [
    "package-lock.json",
    "next.config.mjs",
    "tailwind.config.ts",
    "postcss.config.mjs",
    "proxy.ts",
    "instrumentation.ts",
    "tsconfig.json",
  ]) {
    const p = path.join(root, f);
    if (existsSync(p)) h.update(`${f}:${statSync(p).mtimeMs}\n`);
  }
  return h.digest("hex");
}

export function buildIfNeeded(root) {
  const distDir = process.env.NEXT_DIST_DIR || ".next";
  const stampFile = path.join(root, distDir, "gatehouse-source-stamp");
  const stamp = sourceStamp(root);
  const built =
    existsSync(path.join(root, distDir, "BUILD_ID")) &&
    existsSync(path.join(root, distDir, "gatehouse-server.mjs")) &&
    existsSync(stampFile) &&
    readFileSync(stampFile, "utf8") === stamp;
  if (built) return;
  console.log("Gatehouse: building the app (first start or changed sources; this takes a minute)…");
  const r = spawnSync(process.execPath, [path.join(root, "node_modules", "next", "dist", "bin", "next"), "build"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (r.status !== 0) throw new Error(`next build failed (exit ${r.status})`);
  const s = spawnSync(process.execPath, [path.join(root, "scripts", "build-server.mjs")], {
    cwd: root,
    stdio: "inherit",
    env: process.env,
  });
  if (s.status !== 0) throw new Error(`server build failed (exit ${s.status})`);
  writeFileSync(stampFile, stamp);
}
