import type { Db } from "@/db";
import { env } from "@/lib/env";
import { recheckVerifiedDomains, RECHECK_INTERVAL_MS } from "@/lib/services/domains";
import { BACKCHANNEL_LOGOUT_JOB } from "@/lib/services/oidc-grants";
import { sweepOidcState } from "@/lib/services/oidc-maintenance";
import { sweepExpiredRecords } from "@/lib/services/retention";
import { notifyExpiringCertificates } from "@/lib/services/certificate-expiry";
import { purgeScimRequests } from "@/lib/services/directories";
import { WEBHOOK_DELIVERY_JOB } from "@/lib/webhooks/emit";
import { deliverWebhooks } from "@/lib/webhooks/deliver";
import { purgeWebhookHistory } from "@/lib/webhooks/retention";
import { webhookTransportFromEnv } from "@/lib/webhooks/transport";
import { runBackchannelLogouts } from "./oidc/backchannel";
import { EMAIL_DELIVERY_JOB } from "@/lib/email/outbox";
import { deliverEmails } from "@/lib/email/deliver";
import { emailDeliveryFromEnv } from "@/lib/email/transport";
import { preparePasswordResets, purgePasswordResetTokens } from "@/lib/services/password-reset";

/**
 * Every periodic job of Gatehouse. The scheduler runs each at most once per `everyMs` across all
 * instances (lib/services/jobs.ts); a job that works through rows (deliveries, sweeps) claims them
 * in SQL as well, so it may also be run by hand or in tests with `runJob`.
 */
export type Job = {
  name: string;
  everyMs: number;
  /** How long one run may take before another instance may take the job over. */
  leaseMs?: number;
  run: (db: Db, now: Date) => Promise<Record<string, unknown> | void>;
};

const SECOND = 1000;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export const jobs: Job[] = [
  {
    name: "domains.recheck",
    everyMs: 5 * MINUTE,
    leaseMs: 5 * MINUTE,
    run: (db, now) => recheckVerifiedDomains(db, now, { olderThanMs: RECHECK_INTERVAL_MS }),
  },
  {
    // Expired AuthnRequests, consumed assertions, login tickets, idempotency keys, rate-limit rows and
    // SSO events past SSO_EVENT_RETENTION_DAYS (lib/services/retention.ts).
    name: "retention.sweep",
    everyMs: 10 * MINUTE,
    leaseMs: 10 * MINUTE,
    run: (db, now) => sweepExpiredRecords(db, now, { ssoEventRetentionDays: env().ssoEventRetentionDays }),
  },
  {
    // OpenID Connect back-channel logout deliveries (queued by endAccess and RP-initiated logout).
    name: BACKCHANNEL_LOGOUT_JOB,
    everyMs: 10 * SECOND,
    leaseMs: 2 * MINUTE,
    run: runBackchannelLogouts,
  },
  {
    // The provider's expired sessions, interactions, codes, tokens and grants.
    name: "oidc.sweep",
    everyMs: 10 * MINUTE,
    leaseMs: 5 * MINUTE,
    run: sweepOidcState,
  },
  {
    // Claims deliveries row by row (one per endpoint and organization at a time), so overlapping runs are safe.
    name: WEBHOOK_DELIVERY_JOB,
    everyMs: 5 * SECOND,
    leaseMs: MINUTE,
    run: (db) => deliverWebhooks(db, { transport: webhookTransportFromEnv(), budgetMs: 30 * SECOND }),
  },
  {
    // The email outbox: password reset requests are prepared, then due messages are claimed row by row
    // (SKIP LOCKED), sent over SMTP (or captured for /dev/mail), retried with backoff, failed after 5 attempts.
    name: EMAIL_DELIVERY_JOB,
    everyMs: 5 * SECOND,
    leaseMs: 2 * MINUTE,
    run: async (db, now) => ({
      ...(await preparePasswordResets(db, now)),
      ...(await deliverEmails(db, { delivery: emailDeliveryFromEnv(), budgetMs: 30 * SECOND })),
    }),
  },
  {
    // Password reset tokens a day past their expiry.
    name: "password_reset.retention",
    everyMs: HOUR,
    leaseMs: 10 * MINUTE,
    run: async (db, now) => ({ purged: await purgePasswordResetTokens(db, now) }),
  },
  {
    // connection.certificate_expiring, 30 and 7 days before (each notice once, decided by a unique row).
    name: "connections.certificate_expiry",
    everyMs: 6 * HOUR,
    leaseMs: 10 * MINUTE,
    run: (db, now) => notifyExpiringCertificates(db, now),
  },
  {
    // Webhook events, deliveries and attempts keep 30 days once every delivery is finished.
    name: "webhooks.history_retention",
    everyMs: HOUR,
    leaseMs: 10 * MINUTE,
    run: (db, now) => purgeWebhookHistory(db, now),
  },
  {
    // The SCIM request log keeps 30 days.
    name: "scim.request_log_retention",
    everyMs: HOUR,
    leaseMs: 10 * MINUTE,
    run: (db, now) => purgeScimRequests(db, now),
  },
];
