import { rmSync } from "node:fs";
import { readState } from "./state";

export default async function globalTeardown() {
  const state = readState();
  for (const pid of state.pids) {
    try {
      process.kill(-pid, "SIGTERM");
    } catch {
      try {
        process.kill(pid, "SIGTERM");
      } catch {
        /* gone */
      }
    }
  }
  await new Promise((r) => setTimeout(r, 1500));
  if (state.adminDatabase) {
    const { default: postgres } = await import("postgres");
    const admin = postgres(state.adminDatabase.base, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists ${state.adminDatabase.name} with (force)`).catch(() => {});
    await admin.end();
  }
  rmSync(state.dataDir, { recursive: true, force: true });
}
