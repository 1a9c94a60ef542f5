import { sql } from "drizzle-orm";
import type { Db } from "@/db";
import { logger } from "@/lib/logger";

/** One database round trip within `timeoutMs`; `openDb` is how the caller reaches its database. */
export async function checkDatabase(openDb: () => Promise<Db>, timeoutMs = 3000): Promise<{ ok: boolean }> {
  try {
    const db = await withTimeout(openDb(), timeoutMs);
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
