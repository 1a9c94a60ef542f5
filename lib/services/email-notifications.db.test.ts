/**
 * Owner notices over a real SMTP server on loopback: SSO enforcement turned on, a certificate about to
 * expire (30 and 7 days before, once each, also with two runs racing), a setup link completed.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connections, outbox } from "@/db/schema";
import { deliverEmails } from "@/lib/email/deliver";
import { smtpMailer, type EmailDelivery } from "@/lib/email/transport";
import { addMember, makeConnection, makeWorkspace, uniq } from "@/lib/testing/fixtures";
import { startSmtpSink, type SmtpSink } from "@/lib/testing/smtp-sink";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { notifyExpiringCertificates } from "./certificate-expiry";
import { sendSetupLinkCompletedEmail } from "./email-notifications";
import { setEnforcement } from "./sso-enforcement";

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
const send = () => deliverEmails(t.db, { delivery: smtp });

/** A workspace with two owners and an admin (admins get no owner notices). */
async function team() {
  const ws = await makeWorkspace(t.db);
  const second = await addMember(t.db, ws.workspace.id, { role: "owner", email: `owner2-${uniq()}@example.test` });
  const admin = await addMember(t.db, ws.workspace.id, { role: "admin", email: `admin-${uniq()}@example.test` });
  return { ...ws, owners: [ws.owner.email, second.user.email], admin: admin.user.email };
}

describe("owner notices", () => {
  it("turning SSO enforcement on emails every owner (not admins) once, with who did it and a link to the setting; turning it off or changing mode does not", async () => {
    const w = await team();
    await setEnforcement(t.db, w.workspace.id, "sso_provisioned_users", { userId: w.owner.id }, { confirm: true });
    await setEnforcement(t.db, w.workspace.id, "verified_domains", { userId: w.owner.id }, { confirm: true });
    await setEnforcement(t.db, w.workspace.id, "off", { userId: w.owner.id }, { confirm: true });
    await send();
    for (const o of w.owners) {
      const got = received(o);
      expect(got).toHaveLength(1);
      expect(got[0]!.subject).toBe(`Single sign-on is now required in ${w.workspace.name}`);
      expect(got[0]!.text).toContain(w.owner.email);
      expect(got[0]!.text).toContain(`http://localhost:3999/w/${w.workspace.slug}/settings/domains`);
    }
    expect(received(w.admin)).toHaveLength(0);
  });

  it("a certificate about to expire: owners are emailed at 30 and at 7 days, once each, even with two runs racing", async () => {
    const w = await team();
    const c = await makeConnection(t.db, w.workspace.id);
    const now = new Date("2033-03-01T00:00:00Z");
    const notAfter = new Date(now.getTime() + 25 * 86_400_000);
    await t.db
      .update(connections)
      .set({
        idpCertificates: [
          {
            pem: "x",
            subject: "CN=idp",
            notBefore: "2030-01-01T00:00:00Z",
            notAfter: notAfter.toISOString(),
            fingerprintSha256: `f${uniq()}`,
          },
        ],
      })
      .where(eq(connections.id, c.id));
    const at = (days: number) => new Date(now.getTime() + days * 86_400_000);
    await Promise.all([notifyExpiringCertificates(t.db, now), notifyExpiringCertificates(t.db, now)]);
    await notifyExpiringCertificates(t.db, at(3));
    await Promise.all([notifyExpiringCertificates(t.db, at(19)), notifyExpiringCertificates(t.db, at(19))]);
    await notifyExpiringCertificates(t.db, at(20));
    await send();
    for (const o of w.owners) {
      const got = received(o).filter((m) => m.subject?.startsWith(c.name));
      expect(got.map((m) => m.subject)).toEqual([`${c.name}: certificate expires in 25 days`, `${c.name}: certificate expires in 6 days`]);
      expect(got[0]!.text).toContain(notAfter.toUTCString());
      expect(got[0]!.text).toContain(`http://localhost:3999/w/${w.workspace.slug}/settings/sso/${c.id}`);
    }
    expect(received(w.admin)).toHaveLength(0);
  });

  it("sendSetupLinkCompletedEmail tells every owner which connection was set up; another workspace's connection sends nothing", async () => {
    const w = await team();
    const c = await makeConnection(t.db, w.workspace.id);
    const other = await makeWorkspace(t.db);
    expect(
      await sendSetupLinkCompletedEmail(t.db, { workspaceId: w.workspace.id, connectionId: c.id, completedBy: "it@customer.test" }),
    ).toBe(2);
    expect(await sendSetupLinkCompletedEmail(t.db, { workspaceId: other.workspace.id, connectionId: c.id })).toBe(0);
    await send();
    for (const o of w.owners) {
      const [m] = received(o).filter((x) => x.subject?.includes("setup link"));
      expect(m!.subject).toBe(`${c.name} was set up through your setup link`);
      expect(m!.text).toContain("it@customer.test");
    }
    expect(received(other.owner.email)).toHaveLength(0);
    const rows = await t.db.select().from(outbox).where(eq(outbox.kind, "setup_link_completed"));
    expect(rows.every((r) => r.workspaceId === w.workspace.id && r.status === "sent")).toBe(true);
  });
});
