import { desc, eq } from "drizzle-orm";
import type { Db } from "@/db";
import { outbox } from "@/db/schema";
import { env } from "@/lib/env";
import { materialize } from "@/lib/email/deliver";
import { AppError } from "@/lib/errors";

/**
 * /dev/mail: the outbox as a mailbox, outside production only (404 in production, like /dev/idp).
 * Shows every message with its links filled in, so a newcomer without a mail server can follow an
 * invitation or a password reset link.
 */
export function devMailEnabled(): boolean {
  return env().appEnv !== "production";
}

export type DevMailSummary = { id: string; to: string; subject: string; kind: string; status: string; createdAt: Date };

export async function listDevMail(db: Db, limit = 100): Promise<DevMailSummary[]> {
  if (!devMailEnabled()) throw new AppError("NOT_FOUND");
  return db
    .select({
      id: outbox.id,
      to: outbox.to,
      subject: outbox.subject,
      kind: outbox.kind,
      status: outbox.status,
      createdAt: outbox.createdAt,
    })
    .from(outbox)
    .orderBy(desc(outbox.createdAt))
    .limit(limit);
}

export async function getDevMail(db: Db, id: string) {
  if (!devMailEnabled() || !/^[0-9a-f-]{36}$/i.test(id)) throw new AppError("NOT_FOUND");
  const [row] = await db.select().from(outbox).where(eq(outbox.id, id));
  if (!row) throw new AppError("NOT_FOUND");
  const m = materialize(row);
  return {
    id: row.id,
    from: env().emailFrom,
    to: row.to,
    subject: row.subject,
    kind: row.kind,
    status: row.status,
    attempts: row.attempts,
    lastError: row.lastError,
    createdAt: row.createdAt,
    sentAt: row.sentAt,
    text: m.text,
    html: m.html,
  };
}
