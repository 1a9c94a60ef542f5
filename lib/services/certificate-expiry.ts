import { X509Certificate } from "node:crypto";
import { and, eq, gt } from "drizzle-orm";
import type { Db } from "@/db";
import { certificateExpiryNotices, connections, spKeys } from "@/db/schema";
import { emitEvent, WEBHOOK_DELIVERY_JOB } from "@/lib/webhooks/emit";
import { nudgeJob } from "./jobs";
import { queueCertificateExpiryEmails } from "./email-notifications";

/** connection.certificate_expiring goes out this many days before a certificate's notAfter. */
export const EXPIRY_THRESHOLDS_DAYS = [30, 7] as const;
const DAY = 86_400_000;

type Cert = { kind: "idp" | "sp"; fingerprint: string; notAfter: Date };

function spFingerprint(pem: string): string {
  try {
    return new X509Certificate(pem).fingerprint256.replace(/:/g, "").toLowerCase();
  } catch {
    return `sp:${pem.length}`;
  }
}

/**
 * The periodic check: for every connection, the IdP signing certificates and the SP key in use. Each
 * certificate is announced once per threshold (30, then 7 days), decided by a unique row, so two
 * instances (or two runs) never send the same notice twice.
 */
export async function notifyExpiringCertificates(db: Db, now: Date): Promise<{ notified: number }> {
  const horizon = new Date(now.getTime() + Math.max(...EXPIRY_THRESHOLDS_DAYS) * DAY);
  const rows = await db.select().from(connections);
  const keys = await db
    .select({ connectionId: spKeys.connectionId, pem: spKeys.certificatePem, notAfter: spKeys.notAfter })
    .from(spKeys)
    .where(and(eq(spKeys.state, "active"), gt(spKeys.notAfter, now)));
  let notified = 0;
  for (const c of rows) {
    const certs: Cert[] = [
      ...c.idpCertificates.map((x) => ({ kind: "idp" as const, fingerprint: x.fingerprintSha256, notAfter: new Date(x.notAfter) })),
      ...keys
        .filter((k) => k.connectionId === c.id)
        .map((k) => ({ kind: "sp" as const, fingerprint: spFingerprint(k.pem), notAfter: k.notAfter })),
    ].filter((x) => !Number.isNaN(x.notAfter.getTime()) && x.notAfter > now && x.notAfter <= horizon);
    for (const cert of certs) {
      const daysLeft = Math.ceil((cert.notAfter.getTime() - now.getTime()) / DAY);
      const due = EXPIRY_THRESHOLDS_DAYS.filter((t) => daysLeft <= t);
      const sent = await db.transaction(async (tx) => {
        const inserted = await tx
          .insert(certificateExpiryNotices)
          .values(due.map((thresholdDays) => ({ connectionId: c.id, fingerprint: cert.fingerprint, thresholdDays, createdAt: now })))
          .onConflictDoNothing()
          .returning({ t: certificateExpiryNotices.thresholdDays });
        if (!inserted.length) return false;
        await emitEvent(tx, {
          workspaceId: c.workspaceId,
          type: "connection.certificate_expiring",
          data: {
            organization_id: c.workspaceId,
            connection_id: c.id,
            name: c.name,
            slug: c.slug,
            certificate: cert.kind,
            fingerprint_sha256: cert.fingerprint,
            not_after: cert.notAfter.toISOString(),
            days_left: daysLeft,
          },
          at: now,
        });
        await queueCertificateExpiryEmails(tx, {
          workspaceId: c.workspaceId,
          connectionId: c.id,
          certificate: cert.kind,
          notAfter: cert.notAfter,
          daysLeft,
        });
        return true;
      });
      if (sent) notified++;
    }
  }
  if (notified) nudgeJob(WEBHOOK_DELIVERY_JOB);
  return { notified };
}
