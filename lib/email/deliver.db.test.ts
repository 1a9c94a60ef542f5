/**
 * The email outbox against a real database and a real SMTP server on loopback (smtp-server): what
 * arrives, exactly once with two workers racing, retried then failed when the server refuses.
 */
import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { outbox } from "@/db/schema";
import { inviteMember } from "@/lib/services/invitations";
import { getDevMail, listDevMail } from "@/lib/services/dev-mail";
import { resetEnvForTests } from "@/lib/env";
import { makeWorkspace, uniq } from "@/lib/testing/fixtures";
import { startSmtpSink, type SmtpSink } from "@/lib/testing/smtp-sink";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { deliverEmails, MAX_EMAIL_ATTEMPTS } from "./deliver";
import { enqueueEmail } from "./outbox";
import { renderEmail } from "./render";
import { smtpMailer, type EmailDelivery } from "./transport";

let t: TestDb;
let sink: SmtpSink;
let smtp: EmailDelivery;
beforeAll(async () => {
  t = await createTestDb();
  sink = await startSmtpSink();
  smtp = { mode: "smtp", mailer: smtpMailer(sink.url, "Gatehouse <sso@gatehouse.test>", { timeoutMs: 5000 }) };
});
afterAll(async () => {
  await sink?.close();
  await t?.close();
});

const received = (to: string) => sink.messages.filter((m) => m.to && !Array.isArray(m.to) && m.to.value[0]?.address === to);

describe("email delivery over SMTP", () => {
  it("an invitation arrives: From/To/Subject headers, who invited, which workspace, a working link; HTML escaped; the row is marked sent", async () => {
    const { workspace, owner } = await makeWorkspace(t.db, { slug: `mail-${uniq()}` });
    const evilName = `Acme <script>alert(1)</script> & Co`;
    await t.db.execute(`update workspaces set name = '${evilName}' where id = '${workspace.id}'`);
    const email = `inv-${uniq()}@example.test`;
    const r = await inviteMember(t.db, workspace.id, { email, role: "editor" }, { userId: owner.id, role: "owner" });
    const summary = await deliverEmails(t.db, { delivery: smtp });
    expect(summary.sent).toBeGreaterThanOrEqual(1);
    const [m] = received(email);
    expect(m).toBeDefined();
    expect(m!.from?.value[0]).toMatchObject({ name: "Gatehouse", address: "sso@gatehouse.test" });
    expect(m!.subject).toBe(`You're invited to ${evilName} on Gatehouse`);
    expect(m!.text).toContain(r.inviteUrl);
    expect(m!.text).toContain(owner.email);
    expect(m!.text).toContain("as editor");
    expect(m!.html).toContain(`href="${r.inviteUrl}"`);
    expect(m!.html).not.toContain("<script>");
    expect(m!.html).toContain("Acme &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co");
    const [row] = await t.db.select().from(outbox).where(eq(outbox.to, email));
    expect(row).toMatchObject({ status: "sent", attempts: 1, lastError: null });
    expect(row!.messageId).toMatch(/@/);
    expect(JSON.stringify(row)).not.toContain(r.inviteUrl.split("/invite/")[1]);
  });

  it("two workers racing deliver every message exactly once", async () => {
    const tag = uniq();
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const to = `race-${tag}-${i}@example.test`;
      ids.push(await enqueueEmail(t.db, { kind: "invitation", to, content: renderEmail(`race ${i}`, [{ p: "hello" }], "footer") }));
    }
    const [a, b] = await Promise.all([
      deliverEmails(t.db, { delivery: smtp, batchSize: 2 }),
      deliverEmails(t.db, { delivery: smtp, batchSize: 2 }),
    ]);
    expect(a.sent + b.sent).toBe(12);
    for (let i = 0; i < 12; i++) expect(received(`race-${tag}-${i}@example.test`)).toHaveLength(1);
    const rows = await t.db.select().from(outbox).where(inArray(outbox.id, ids));
    expect(rows.every((r) => r.status === "sent" && r.attempts === 1)).toBe(true);
  });

  it("an SMTP failure is retried with backoff, then marked failed after the last attempt with the error recorded and no secret in it", async () => {
    const to = `fail-${uniq()}@example.test`;
    const secretLink = `http://localhost:3999/reset-password/${uniq()}SECRET`;
    const id = await enqueueEmail(t.db, {
      kind: "password_reset",
      to,
      content: { ...renderEmail("Reset", [{ button: { label: "Go", href: "{{reset_url}}" } }], "f"), secrets: { reset_url: secretLink } },
    });
    sink.refuseNext(1000);
    let now = new Date();
    const clock = () => now;
    const first = await deliverEmails(t.db, { delivery: smtp, now: clock });
    expect(first).toMatchObject({ sent: 0, retrying: 1 });
    let [row] = await t.db.select().from(outbox).where(eq(outbox.id, id));
    expect(row).toMatchObject({ status: "pending", attempts: 1 });
    expect(row!.nextAttemptAt.getTime()).toBeGreaterThan(now.getTime());
    // Not due yet: nothing is attempted.
    expect(await deliverEmails(t.db, { delivery: smtp, now: clock })).toMatchObject({ retrying: 0, failed: 0 });
    for (let i = 2; i <= MAX_EMAIL_ATTEMPTS; i++) {
      now = new Date(now.getTime() + 3_600_000);
      await deliverEmails(t.db, { delivery: smtp, now: clock });
    }
    [row] = await t.db.select().from(outbox).where(eq(outbox.id, id));
    expect(row).toMatchObject({ status: "failed", attempts: MAX_EMAIL_ATTEMPTS });
    expect(row!.lastError).toMatch(/451|busy/i);
    expect(row!.lastError).not.toContain("SECRET");
    // Failed for good: later runs leave it alone.
    now = new Date(now.getTime() + 86_400_000);
    expect(await deliverEmails(t.db, { delivery: smtp, now: clock })).toMatchObject({ sent: 0, failed: 0, retrying: 0 });
    sink.refuseNext(0);
    expect(received(to)).toHaveLength(0);
  });

  it("without SMTP (development), messages are captured, not sent, and readable with their link at /dev/mail", async () => {
    const { workspace, owner } = await makeWorkspace(t.db);
    const email = `cap-${uniq()}@example.test`;
    const r = await inviteMember(t.db, workspace.id, { email, role: "viewer" }, { userId: owner.id, role: "owner" });
    await deliverEmails(t.db, { delivery: { mode: "capture" } });
    const [row] = await t.db.select().from(outbox).where(eq(outbox.to, email));
    expect(row!.status).toBe("captured");
    expect(received(email)).toHaveLength(0);
    const view = await getDevMail(t.db, row!.id);
    expect(view.text).toContain(r.inviteUrl);
    expect(view.html).toContain(r.inviteUrl);
  });

  it("/dev/mail is not found in production", async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { APP_ENV: "production", AUTH_SECRET: "s".repeat(40), ENCRYPTION_KEY: "b".repeat(64) });
    resetEnvForTests();
    try {
      await expect(listDevMail(t.db)).rejects.toMatchObject({ code: "NOT_FOUND" });
      const [any] = await t.db.select({ id: outbox.id }).from(outbox).limit(1);
      await expect(getDevMail(t.db, any!.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    } finally {
      process.env = saved;
      resetEnvForTests();
    }
  });

  it("production without SMTP_URL: nothing is sent or marked, the messages wait", async () => {
    const to = `off-${uniq()}@example.test`;
    const id = await enqueueEmail(t.db, { kind: "invitation", to, content: renderEmail("off", [{ p: "x" }], "f") });
    expect(await deliverEmails(t.db, { delivery: { mode: "off" } })).toEqual({ sent: 0, captured: 0, retrying: 0, failed: 0 });
    const [row] = await t.db.select().from(outbox).where(eq(outbox.id, id));
    expect(row).toMatchObject({ status: "pending", attempts: 0 });
  });
});
