import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, asc, eq, sql } from "drizzle-orm";
import { connections, memberships, scimRequests, webhookEvents } from "@/db/schema";
import { notifyExpiringCertificates } from "@/lib/services/certificate-expiry";
import { updateConnection } from "@/lib/services/connections";
import { purgeScimRequests, recordScimRequest } from "@/lib/services/directories";
import { identity, makeConnection, makeWorkspace, uniq } from "@/lib/testing/fixtures";
import { changeMemberRole, removeMember, setMemberDisabled } from "@/lib/services/members";
import { recordSsoEvent } from "@/lib/services/sso-events";
import { provisionSsoUser } from "@/lib/services/sso-provisioning";
import { findOrCreateUser } from "@/lib/services/users";
import { createWebhookEndpoint } from "@/lib/services/webhooks";
import { makeScimDirectory } from "@/lib/testing/scim";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import type { Db } from "@/db";
import { memberActor } from "@/lib/services/actor";

/** The existing services report their changes through emitEvent, inside their own transactions. */

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t.close();
});

async function subscribed(eventTypes: string[] = []) {
  const ws = await makeWorkspace(t.db);
  await createWebhookEndpoint(
    t.db,
    { kind: "workspace", workspaceId: ws.workspace.id },
    { url: "https://receiver.example/h", eventTypes },
    { userId: null },
  );
  return ws;
}

async function events(db: Db, workspaceId: string) {
  const rows = await db
    .select()
    .from(webhookEvents)
    .where(eq(webhookEvents.workspaceId, workspaceId))
    .orderBy(asc(webhookEvents.createdAt));
  return rows.map((r) => JSON.parse(r.body) as { type: string; timestamp: string; data: Record<string, unknown> });
}

async function member(db: Db, workspaceId: string, email: string, role: "admin" | "editor" | "viewer" = "viewer") {
  const { user } = await findOrCreateUser(db, { email });
  const [m] = await db.insert(memberships).values({ workspaceId, userId: user.id, role }).returning();
  return { user, membership: m! };
}

describe("events from the existing services", () => {
  it("members: role change, disable/enable and removal are membership.role_changed, user.deprovisioned/reactivated and membership.removed", async () => {
    const ws = await subscribed();
    const owner = { userId: ws.owner.id, role: "owner" as const };
    const { user, membership } = await member(t.db, ws.workspace.id, `m-${uniq()}@${ws.domain}`);
    await changeMemberRole(t.db, ws.workspace.id, membership.id, "editor", owner);
    await setMemberDisabled(t.db, ws.workspace.id, membership.id, true, owner);
    await setMemberDisabled(t.db, ws.workspace.id, membership.id, false, owner);
    await removeMember(t.db, ws.workspace.id, membership.id, owner);
    const got = await events(t.db, ws.workspace.id);
    expect(got.map((e) => e.type)).toEqual(["membership.role_changed", "user.deprovisioned", "user.reactivated", "membership.removed"]);
    expect(got[0]!.data).toEqual({
      organization_id: ws.workspace.id,
      user_id: user.id,
      email: user.email,
      previous_role: "viewer",
      role: "editor",
      source: "admin",
    });
    expect(got[1]!.data).toMatchObject({ reason: "disabled", sessions_revoked: false });
    expect(got[3]!.data).toMatchObject({ role: "editor", sessions_revoked: true });
  });

  it("a refused change writes no event (the event commits with the change, or not at all)", async () => {
    const ws = await subscribed();
    const [own] = await t.db.select().from(memberships).where(eq(memberships.workspaceId, ws.workspace.id));
    await expect(changeMemberRole(t.db, ws.workspace.id, own!.id, "viewer", { userId: ws.owner.id, role: "owner" })).rejects.toMatchObject({
      code: "LAST_OWNER",
    });
    expect(await events(t.db, ws.workspace.id)).toEqual([]);
  });

  it("connections: the active switch is connection.deactivated / connection.activated", async () => {
    const ws = await subscribed();
    const c = await makeConnection(t.db, ws.workspace.id);
    const off = await updateConnection(
      t.db,
      ws.workspace.id,
      c.id,
      { version: c.version, active: false },
      memberActor(ws.owner.id, "owner"),
    );
    await updateConnection(t.db, ws.workspace.id, c.id, { version: off.version, name: "Renamed" }, memberActor(ws.owner.id, "owner"));
    await updateConnection(t.db, ws.workspace.id, c.id, { version: off.version + 1, active: true }, memberActor(ws.owner.id, "owner"));
    const got = await events(t.db, ws.workspace.id);
    expect(got.map((e) => e.type)).toEqual(["connection.deactivated", "connection.activated"]);
    expect(got[1]!.data).toEqual({ organization_id: ws.workspace.id, connection_id: c.id, name: "Renamed", slug: c.slug });
  });

  it("SSO: the first sign-in that creates a member is user.created (source sso); later sign-ins are not", async () => {
    const ws = await subscribed();
    const c = await makeConnection(t.db, ws.workspace.id);
    const email = `jit-${uniq()}@example.test`;
    const r = await provisionSsoUser(t.db, {
      workspace: ws.workspace,
      connection: c,
      identity: identity(email, {}, { firstName: "Ada", lastName: "L" }),
      now: new Date(),
    });
    await provisionSsoUser(t.db, { workspace: ws.workspace, connection: c, identity: identity(email), now: new Date() });
    const got = await events(t.db, ws.workspace.id);
    expect(got.map((e) => e.type)).toEqual(["user.created"]);
    expect(got[0]!.data).toEqual({
      organization_id: ws.workspace.id,
      user_id: r.user.id,
      email,
      name: "Ada L",
      role: "viewer",
      source: "sso",
      directory_id: null,
      connection_id: c.id,
    });
  });

  it("sso.sign_in_failed is opt-in: only endpoints that list it get it, and never for test mode", async () => {
    const ws = await subscribed(); // every default type
    const optIn = await subscribed(["sso.sign_in_failed"]);
    for (const w of [ws, optIn]) {
      await recordSsoEvent(t.db, {
        workspaceId: w.workspace.id,
        connectionId: null,
        outcome: "failure",
        errorCode: "SAML_EXPIRED",
        email: "x@y.test",
      });
      await recordSsoEvent(t.db, {
        workspaceId: w.workspace.id,
        connectionId: null,
        outcome: "failure",
        errorCode: "SAML_EXPIRED",
        testMode: true,
      });
      await recordSsoEvent(t.db, { workspaceId: w.workspace.id, connectionId: null, outcome: "success" });
    }
    expect(await events(t.db, ws.workspace.id)).toEqual([]);
    const got = await events(t.db, optIn.workspace.id);
    expect(got.map((e) => e.type)).toEqual(["sso.sign_in_failed"]);
    expect(got[0]!.data).toMatchObject({ organization_id: optIn.workspace.id, error_code: "SAML_EXPIRED", email: "x@y.test" });
  });

  it("connection.certificate_expiring: once at 30 days and once at 7 days before the IdP certificate expires, across repeated runs", async () => {
    const ws = await subscribed();
    const c = await makeConnection(t.db, ws.workspace.id);
    const now = new Date("2032-06-01T00:00:00Z");
    const notAfter = new Date(now.getTime() + 20 * 86_400_000);
    await t.db
      .update(connections)
      .set({
        idpCertificates: [
          { pem: "x", subject: "CN=idp", notBefore: "2030-01-01T00:00:00Z", notAfter: notAfter.toISOString(), fingerprintSha256: "ab12" },
        ],
      })
      .where(eq(connections.id, c.id));
    const at = (days: number) => new Date(now.getTime() + days * 86_400_000);
    await notifyExpiringCertificates(t.db, now);
    await notifyExpiringCertificates(t.db, at(5)); // 15 days left: already told at 30
    await notifyExpiringCertificates(t.db, at(14)); // 6 days left: the 7-day notice
    await notifyExpiringCertificates(t.db, at(15));
    await notifyExpiringCertificates(t.db, at(25)); // expired: nothing more
    const got = (await events(t.db, ws.workspace.id)).filter((e) => e.data.connection_id === c.id);
    expect(got.map((e) => [e.type, e.data.certificate, e.data.days_left])).toEqual([
      ["connection.certificate_expiring", "idp", 20],
      ["connection.certificate_expiring", "idp", 6],
    ]);
    expect(got[0]!.data).toMatchObject({ fingerprint_sha256: "ab12", not_after: notAfter.toISOString(), slug: c.slug });
  });

  it("SCIM request log retention: entries older than 30 days are purged by the job", async () => {
    const d = await makeScimDirectory(t.db);
    const now = new Date();
    for (const days of [31, 29, 0]) {
      await recordScimRequest(t.db, {
        directoryId: d.directory.id,
        method: "GET",
        path: `/Users?d=${days}`,
        status: 200,
        durationMs: 1,
        at: new Date(now.getTime() - days * 86_400_000),
      });
    }
    await purgeScimRequests(t.db, now);
    const left = await t.db.select({ path: scimRequests.path }).from(scimRequests).where(eq(scimRequests.directoryId, d.directory.id));
    expect(left.map((r) => r.path).sort()).toEqual(["/Users?d=0", "/Users?d=29"]);
  });
});

describe("SCIM and SSO together", () => {
  it("a SCIM-provisioned person signs in through SSO with just-in-time provisioning off; SSO role mapping leaves their directory role alone; deprovisioned they are refused", async () => {
    const d = await makeScimDirectory(t.db);
    const c = await makeConnection(t.db, d.workspace.id, { jitProvisioning: false, applyMappingEveryLogin: true, defaultRole: "admin" });
    const { scimCall } = await import("@/lib/testing/scim");
    const { useDbForTests } = await import("@/server/bootstrap");
    useDbForTests(t.db);
    const email = `pat@${d.domain}`;
    const created = await scimCall(d, "POST", "/Users", { userName: email, emails: [{ value: email, primary: true }], active: true });
    expect(created.status).toBe(201);
    const r = await provisionSsoUser(t.db, { workspace: d.workspace, connection: c, identity: identity(email), now: new Date() });
    expect(r.userCreated).toBe(false);
    expect(r.membership).toMatchObject({ source: "scim", role: "viewer", status: "active" });
    await scimCall(d, "PATCH", `/Users/${created.json!.id}`, { Operations: [{ op: "replace", value: { active: false } }] });
    await expect(
      provisionSsoUser(t.db, { workspace: d.workspace, connection: c, identity: identity(email), now: new Date() }),
    ).rejects.toMatchObject({
      code: "SAML_USER_DISABLED",
    });
    const [m] = await t.db
      .select()
      .from(memberships)
      .where(and(eq(memberships.workspaceId, d.workspace.id), sql`${memberships.userId} = ${r.user.id}`));
    expect(m).toMatchObject({ disabled: true });
  });
});
