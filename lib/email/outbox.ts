import type { Db } from "@/db";
import { outbox } from "@/db/schema";
import { sealSecret } from "@/lib/crypto/secret-box";
import type { EmailContent } from "./render";

/** The job that sends the outbox (server/jobs.ts). */
export const EMAIL_DELIVERY_JOB = "email.deliver";

export type EmailKind =
  | "invitation"
  | "password_reset_request"
  | "password_reset"
  | "password_reset_sso"
  | "sso_enforced"
  | "certificate_expiring"
  | "setup_link_completed";

/**
 * Queue one message (inside the caller's transaction, so it goes out exactly when the change commits).
 * Secret placeholder values are sealed; the subject and bodies hold none.
 */
export async function enqueueEmail(
  db: Db,
  m: { kind: EmailKind; to: string; workspaceId?: string | null; content: EmailContent; now?: Date },
): Promise<string> {
  const secrets = m.content.secrets && Object.keys(m.content.secrets).length ? m.content.secrets : null;
  const [row] = await db
    .insert(outbox)
    .values({
      kind: m.kind,
      workspaceId: m.workspaceId ?? null,
      to: m.to,
      subject: m.content.subject,
      body: m.content.text,
      html: m.content.html,
      secretsEncrypted: secrets ? sealSecret(JSON.stringify(secrets)) : null,
      nextAttemptAt: m.now ?? new Date(),
      ...(m.now ? { createdAt: m.now } : {}),
    })
    .returning({ id: outbox.id });
  return row!.id;
}
