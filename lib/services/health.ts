import { sql } from "drizzle-orm";
import { getReadyDb } from "@/lib/server/bootstrap";
import { logger } from "@/lib/server/logger";

export async function checkDatabase(timeoutMs = 3000): Promise<{ ok: boolean }> {
  try {
    const db = await withTimeout(getReadyDb(), timeoutMs);
    await withTimeout(db.execute(sql`select 1`), timeoutMs);
    return { ok: true };
  } catch (err) {
    logger.warn("health check: database unreachable", { err });
    return { ok: false };
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error("timeout")), ms).unref())]);
}
