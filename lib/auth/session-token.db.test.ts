import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { makeConnection, makeWorkspace } from "@/lib/testing/fixtures";
import { domains, memberships, workspaces } from "@/db/schema";
import { endSessionAtSignOut, resolveSessionUser } from "./session-token";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t.close();
});

describe("sessions under SSO enforcement", () => {
  it("turning enforcement on ends live password sessions but not SSO sessions; break-glass keeps them", async () => {
    const { workspace, owner } = await makeWorkspace(t.db);
    const pwd = { uid: owner.id, sv: owner.sessionVersion, amr: "pwd" };
    const sso = { uid: owner.id, sv: owner.sessionVersion, amr: "sso" };
    expect(await resolveSessionUser(t.db, pwd)).not.toBeNull();

    // The owner's membership counts as SSO-provisioned, their domain is verified and routed to a working
    // connection, owners are not break-glass, and the workspace enforces for SSO-provisioned members.
    await t.db.update(memberships).set({ source: "sso" }).where(eq(memberships.userId, owner.id));
    const conn = await makeConnection(t.db, workspace.id);
    await t.db.insert(domains).values({
      workspaceId: workspace.id,
      domain: owner.email.split("@")[1]!,
      verificationToken: "t",
      status: "verified",
      connectionId: conn.id,
    });
    await t.db
      .update(workspaces)
      .set({ ssoEnforcement: "sso_provisioned_users", ownersBreakGlass: false })
      .where(eq(workspaces.id, workspace.id));
    expect(await resolveSessionUser(t.db, pwd)).toBeNull();
    expect(await resolveSessionUser(t.db, { uid: owner.id, sv: owner.sessionVersion })).toBeNull(); // no amr: treated as password
    expect(await resolveSessionUser(t.db, sso)).toMatchObject({ id: owner.id });

    await t.db.update(memberships).set({ breakGlass: true }).where(eq(memberships.userId, owner.id));
    expect(await resolveSessionUser(t.db, pwd)).toMatchObject({ id: owner.id });
  });
});

describe("sign-out", () => {
  it("a session cookie copied before sign-out no longer works after it (the session version is bumped)", async () => {
    const { owner } = await makeWorkspace(t.db);
    const cookie = { uid: owner.id, sv: owner.sessionVersion, amr: "sso" };
    const copied = { ...cookie };
    expect(await resolveSessionUser(t.db, copied)).toMatchObject({ id: owner.id });
    expect(await endSessionAtSignOut(t.db, cookie)).toBe(true);
    expect(await resolveSessionUser(t.db, copied)).toBeNull();
    expect(await resolveSessionUser(t.db, cookie)).toBeNull();
    // Signing out again with the dead cookie changes nothing (a stale cookie cannot sign others out).
    expect(await endSessionAtSignOut(t.db, copied)).toBe(false);
  });
});
