import { env } from "@/lib/env";
import { recheckVerifiedDomains, RECHECK_INTERVAL_MS } from "@/lib/services/domains";
import { getReadyDb } from "./bootstrap";
import { logger } from "./logger";

/**
 * Periodic jobs of one app instance. Every instance runs them; each job claims its rows in SQL, so
 * several instances never do the same work twice. Timers are unref'd: they never keep a process alive.
 */

const TICK_MS = 5 * 60 * 1000;
const FIRST_TICK_MS = 30 * 1000;

type Global = typeof globalThis & { __gatehouseScheduler?: { timers: NodeJS.Timeout[] } };

export function startScheduler(): void {
  const g = globalThis as Global;
  if (g.__gatehouseScheduler || env().appEnv === "test") return;
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const db = await getReadyDb();
      const summary = await recheckVerifiedDomains(db, new Date(), { olderThanMs: RECHECK_INTERVAL_MS });
      if (summary.checked) logger.info("verified domains re-checked", summary);
      if (summary.failing) logger.warn("verified domains lost their TXT record and are now failing", { count: summary.failing });
    } catch (err) {
      logger.error("domain re-check failed", { err });
    } finally {
      running = false;
    }
  };
  const first = setTimeout(() => void tick(), FIRST_TICK_MS);
  const every = setInterval(() => void tick(), TICK_MS);
  first.unref();
  every.unref();
  g.__gatehouseScheduler = { timers: [first, every] };
}

export function stopScheduler(): void {
  const g = globalThis as Global;
  for (const t of g.__gatehouseScheduler?.timers ?? []) clearTimeout(t);
  g.__gatehouseScheduler = undefined;
}
