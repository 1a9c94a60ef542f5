/**
 * Password reset end to end on a real database and a real SMTP server on loopback: the email, the
 * single-use hashed token, expiry, no account enumeration, rate limits, SSO-enforced accounts.
 */
import { createHash } from "node:crypto";
import { eq, like } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { domains, outbox, passwordResetTokens, rateLimits, workspaces } from "@/db/schema";
import { deliverEmails } from "@/lib/email/deliver";
import { smtpMailer, type EmailDelivery } from "@/lib/email/transport";
import { addVerifiedDomain, makeConnection, makeWorkspace, uniq } from "@/lib/testing/fixtures";
import { startSmtpSink, type SmtpSink } from "@/lib/testing/smtp-sink";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { signInWithPassword } from "./password-sign-in";
import { getPasswordResetOrThrow, preparePasswordResets, requestPasswordReset, resetPassword, RESET_PER_EMAIL } from "./password-reset";
import { findOrCreateUser, findUserByEmail, setUserPassword } from "./users";

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

const NEW_PASSWORD = "a brand new password";
const received = (to: string) => sink.messages.filter((m) => m.to && !Array.isArray(m.to) && m.to.value[0]?.address === to);
const ip = () => `198.51.100.${Math.floor(Math.random() * 250) + 1}`;

/** What the scheduler's email.deliver job does: prepare reset requests, then send. */
async function runMailJob(now = new Date()) {
  await preparePasswordResets(t.db, now);
  await deliverEmails(t.db, { delivery: smtp, now: () => now });
}

async function userWithPassword(email = `pw-${uniq()}@example.test`) {
  await findOrCreateUser(t.db, { email });
  await setUserPassword(t.db, email, "the old password 1");
  return (await findUserByEmail(t.db, email))!;
}

function linkIn(text: string | undefined): { url: string; token: string } {
  const url = /http:\/\/localhost:3999\/reset-password\/[A-Za-z0-9_-]+/.exec(text ?? "")?.[0];
  if (!url) throw new Error(`no reset link in: ${text}`);
  return { url, token: url.split("/reset-password/")[1]! };
}

describe("password reset", () => {
  it("a known address gets an email with a single-use link; the token is stored only as its SHA-256; the new password works and every other session ends", async () => {
    const user = await userWithPassword();
    await requestPasswordReset(t.db, { email: user.email.toUpperCase(), ip: ip() });
    await runMailJob();
    const [m] = received(user.email);
    expect(m?.subject).toBe("Reset your Gatehouse password");
    expect(m?.from?.value[0]?.address).toBe("sso@gatehouse.test");
    const { url, token } = linkIn(m!.text);
    expect(m!.html).toContain(`href="${url}"`);
    expect(m!.text).toContain("30 minutes");
    const stored = await t.db.select().from(passwordResetTokens).where(eq(passwordResetTokens.userId, user.id));
    expect(stored).toHaveLength(1);
    expect(stored[0]!.tokenHash).toBe(createHash("sha256").update(token).digest("hex"));
    expect(JSON.stringify(await t.db.select().from(outbox).where(eq(outbox.to, user.email)))).not.toContain(token);
    expect(stored[0]!.expiresAt.getTime() - stored[0]!.createdAt.getTime()).toBe(30 * 60_000);

    expect(await getPasswordResetOrThrow(t.db, token)).toEqual({ email: user.email });
    await resetPassword(t.db, { token, password: NEW_PASSWORD, confirmPassword: NEW_PASSWORD });
    const after = (await findUserByEmail(t.db, user.email))!;
    expect(after.sessionVersion).toBe(user.sessionVersion + 1);
    expect((await signInWithPassword(t.db, { email: user.email, password: NEW_PASSWORD, ip: null })).id).toBe(user.id);
    await expect(signInWithPassword(t.db, { email: user.email, password: "the old password 1", ip: null })).rejects.toMatchObject({
      code: "INVALID_CREDENTIALS",
    });
  });

  it("reused token: a link works once, also for two submits racing", async () => {
    const user = await userWithPassword();
    await requestPasswordReset(t.db, { email: user.email, ip: ip() });
    await runMailJob();
    const { token } = linkIn(received(user.email)[0]!.text);
    const results = await Promise.allSettled([
      resetPassword(t.db, { token, password: NEW_PASSWORD, confirmPassword: NEW_PASSWORD }),
      resetPassword(t.db, { token, password: "another new password", confirmPassword: "another new password" }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.find((r) => r.status === "rejected")).toMatchObject({ reason: { code: "PASSWORD_RESET_INVALID" } });
    await expect(getPasswordResetOrThrow(t.db, token)).rejects.toMatchObject({ code: "PASSWORD_RESET_INVALID" });
    await expect(resetPassword(t.db, { token, password: NEW_PASSWORD, confirmPassword: NEW_PASSWORD })).rejects.toMatchObject({
      code: "PASSWORD_RESET_INVALID",
    });
  });

  it("expired token: refused after 30 minutes, the password stays", async () => {
    const user = await userWithPassword();
    const then = new Date(Date.now() - 31 * 60_000);
    await requestPasswordReset(t.db, { email: user.email, ip: ip() }, then);
    await runMailJob(then);
    const { token } = linkIn(received(user.email)[0]!.text);
    await expect(getPasswordResetOrThrow(t.db, token)).rejects.toMatchObject({ code: "PASSWORD_RESET_INVALID" });
    await expect(resetPassword(t.db, { token, password: NEW_PASSWORD, confirmPassword: NEW_PASSWORD })).rejects.toMatchObject({
      code: "PASSWORD_RESET_INVALID",
    });
    expect((await signInWithPassword(t.db, { email: user.email, password: "the old password 1", ip: null })).id).toBe(user.id);
  });

  it("account enumeration: an unknown address gets the same answer after the same work (one queued request, two counters); nothing is sent to it", async () => {
    const known = await userWithPassword();
    const unknown = `nobody-${uniq()}@example.test`;
    const answers = [];
    for (const email of [known.email, unknown]) {
      const before = (await t.db.select().from(outbox)).length;
      answers.push(await requestPasswordReset(t.db, { email, ip: ip() }));
      const queued = await t.db.select().from(outbox).where(eq(outbox.to, email));
      expect(queued).toHaveLength(1);
      expect(queued[0]).toMatchObject({ kind: "password_reset_request", status: "pending", subject: "Password reset request", body: "" });
      expect((await t.db.select().from(outbox)).length).toBe(before + 1);
      expect(
        await t.db
          .select()
          .from(rateLimits)
          .where(eq(rateLimits.key, `pwreset:email:${email}`)),
      ).toHaveLength(1);
    }
    expect(answers[0]).toEqual(answers[1]);
    await runMailJob();
    expect(received(known.email)).toHaveLength(1);
    expect(received(unknown)).toHaveLength(0);
    const [dropped] = await t.db.select().from(outbox).where(eq(outbox.to, unknown));
    expect(dropped!.status).toBe("dropped");
  });

  it("rate limit: per address (unknown ones too) and per client IP, RATE_LIMITED with Retry-After", async () => {
    for (const email of [(await userWithPassword()).email, `ghost-${uniq()}@example.test`]) {
      for (let i = 0; i < RESET_PER_EMAIL.limit; i++) await requestPasswordReset(t.db, { email, ip: ip() });
      await expect(requestPasswordReset(t.db, { email, ip: ip() })).rejects.toMatchObject({
        code: "RATE_LIMITED",
        headers: { "Retry-After": expect.stringMatching(/^\d+$/) },
      });
    }
    const oneIp = "203.0.113.77";
    const hits: unknown[] = [];
    for (let i = 0; i < 21; i++)
      hits.push(await requestPasswordReset(t.db, { email: `ip-${uniq()}@example.test`, ip: oneIp }).catch((e) => e));
    expect(hits.slice(0, 20).every((h) => h === undefined)).toBe(true);
    expect(hits[20]).toMatchObject({ code: "RATE_LIMITED" });
    expect(await t.db.select().from(rateLimits).where(like(rateLimits.key, "pwreset:ip:%"))).not.toHaveLength(0);
  });

  it("an account covered by SSO enforcement is told to use SSO and gets no reset link; a link made before enforcement is refused with SSO_REQUIRED", async () => {
    const domain = `sso-${uniq()}.test`;
    const { workspace } = await makeWorkspace(t.db);
    await addVerifiedDomain(t.db, workspace.id, domain);
    // Enforcement covers a verified domain routed to a connection that can sign people in (issue 15).
    const connection = await makeConnection(t.db, workspace.id);
    await t.db.update(domains).set({ connectionId: connection.id }).where(eq(domains.domain, domain));
    const user = await userWithPassword(`jane-${uniq()}@${domain}`);
    // A link issued while the workspace did not enforce SSO yet…
    await requestPasswordReset(t.db, { email: user.email, ip: ip() });
    await runMailJob();
    const { token } = linkIn(received(user.email)[0]!.text);
    await t.db.update(workspaces).set({ ssoEnforcement: "verified_domains" }).where(eq(workspaces.id, workspace.id));
    // …no longer sets a password once it does.
    await expect(resetPassword(t.db, { token, password: NEW_PASSWORD, confirmPassword: NEW_PASSWORD })).rejects.toMatchObject({
      code: "SSO_REQUIRED",
    });
    const tokensBefore = (await t.db.select().from(passwordResetTokens).where(eq(passwordResetTokens.userId, user.id))).length;
    await requestPasswordReset(t.db, { email: user.email, ip: ip() });
    await runMailJob();
    const mails = received(user.email);
    expect(mails).toHaveLength(2);
    expect(mails[1]!.subject).toBe("Sign in to Gatehouse with single sign-on");
    expect(mails[1]!.text).toContain("requires single sign-on");
    expect(mails[1]!.text).not.toMatch(/reset-password\//);
    expect(await t.db.select().from(passwordResetTokens).where(eq(passwordResetTokens.userId, user.id))).toHaveLength(tokensBefore);
  });

  it("the new password follows the shared password rules and must be typed twice", async () => {
    await expect(resetPassword(t.db, { token: "x".repeat(43), password: "short", confirmPassword: "short" })).rejects.toMatchObject({
      name: "ZodError",
    });
    await expect(
      resetPassword(t.db, { token: "x".repeat(43), password: NEW_PASSWORD, confirmPassword: "something else" }),
    ).rejects.toMatchObject({ name: "ZodError" });
  });
});
