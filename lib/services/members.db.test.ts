import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { memberships, users } from "@/db/schema";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { listAuditPage } from "./audit";
import { changeMemberRole, listMembers, removeMember, setMemberDisabled } from "./members";
import { addMember, makeWorkspace } from "@/lib/testing/fixtures";
import { findUserById } from "./users";
import { getWorkspaceAccess } from "./workspaces";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t.close();
});

async function ownerMembership(workspaceId: string, userId: string) {
  const [m] = await t.db.select().from(memberships).where(eq(memberships.userId, userId));
  expect(m!.workspaceId).toBe(workspaceId);
  return m!;
}

describe("members: roles and the last owner", () => {
  it("protects the last owner from demotion, removal and disabling", async () => {
    const { workspace, owner } = await makeWorkspace(t.db);
    const m = await ownerMembership(workspace.id, owner.id);
    const actor = { userId: owner.id, role: "owner" as const };
    await expect(changeMemberRole(t.db, workspace.id, m.id, "admin", actor)).rejects.toMatchObject({ code: "LAST_OWNER" });
    await expect(removeMember(t.db, workspace.id, m.id, actor)).rejects.toMatchObject({ code: "LAST_OWNER" });
    await expect(setMemberDisabled(t.db, workspace.id, m.id, true, actor)).rejects.toMatchObject({ code: "LAST_OWNER" });
    // A second owner makes the change possible.
    await addMember(t.db, workspace.id, { role: "owner" });
    const r = await changeMemberRole(t.db, workspace.id, m.id, "admin", actor);
    expect(r.role).toBe("admin");
  });

  it("lets exactly one of two owners demote the other when both try at once", async () => {
    const { workspace, owner } = await makeWorkspace(t.db);
    const a = await ownerMembership(workspace.id, owner.id);
    const b = await addMember(t.db, workspace.id, { role: "owner" });
    const results = await Promise.allSettled([
      changeMemberRole(t.db, workspace.id, b.membership.id, "viewer", { userId: owner.id, role: "owner" }),
      changeMemberRole(t.db, workspace.id, a.id, "viewer", { userId: b.user.id, role: "owner" }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ code: "LAST_OWNER" });
    const owners = (await listMembers(t.db, workspace.id)).filter((m) => m.role === "owner");
    expect(owners).toHaveLength(1);
  });

  it("admins manage editors and viewers but cannot grant or touch admin and owner", async () => {
    const { workspace } = await makeWorkspace(t.db);
    const admin = await addMember(t.db, workspace.id, { role: "admin" });
    const otherAdmin = await addMember(t.db, workspace.id, { role: "admin" });
    const viewer = await addMember(t.db, workspace.id, { role: "viewer" });
    const actor = { userId: admin.user.id, role: "admin" as const };
    await expect(changeMemberRole(t.db, workspace.id, viewer.membership.id, "admin", actor)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(changeMemberRole(t.db, workspace.id, viewer.membership.id, "owner", actor)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(changeMemberRole(t.db, workspace.id, otherAdmin.membership.id, "viewer", actor)).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(removeMember(t.db, workspace.id, otherAdmin.membership.id, actor)).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await changeMemberRole(t.db, workspace.id, viewer.membership.id, "editor", actor)).role).toBe("editor");
    await setMemberDisabled(t.db, workspace.id, viewer.membership.id, true, actor);
    const editor = await addMember(t.db, workspace.id, { role: "editor" });
    await expect(
      changeMemberRole(t.db, workspace.id, viewer.membership.id, "viewer", { userId: editor.user.id, role: "editor" }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("reads another workspace's member as NOT_FOUND", async () => {
    const { workspace: a, owner } = await makeWorkspace(t.db);
    const { workspace: b } = await makeWorkspace(t.db);
    const inB = await addMember(t.db, b.id, { role: "viewer" });
    await expect(changeMemberRole(t.db, a.id, inB.membership.id, "editor", { userId: owner.id, role: "owner" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(removeMember(t.db, a.id, inB.membership.id, { userId: owner.id, role: "owner" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(removeMember(t.db, a.id, "not-a-uuid", { userId: owner.id, role: "owner" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("members: removal and disabling end access on the next request", () => {
  it("removal: the tenancy check fails at once; sessions are revoked when no workspace is left", async () => {
    const { workspace, owner } = await makeWorkspace(t.db);
    const m = await addMember(t.db, workspace.id, { role: "editor" });
    await getWorkspaceAccess(t.db, m.user.id, workspace.slug, "viewer");
    const r = await removeMember(t.db, workspace.id, m.membership.id, { userId: owner.id, role: "owner", ip: "203.0.113.9" });
    expect(r.sessionsRevoked).toBe(true);
    await expect(getWorkspaceAccess(t.db, m.user.id, workspace.slug, "viewer")).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await findUserById(t.db, m.user.id))!.sessionVersion).toBe(m.user.sessionVersion + 1);
  });

  it("removal from one workspace keeps the person's session for their other workspaces", async () => {
    const { workspace: a, owner } = await makeWorkspace(t.db);
    const { workspace: b } = await makeWorkspace(t.db);
    const m = await addMember(t.db, a.id, { role: "viewer" });
    await t.db.insert(memberships).values({ workspaceId: b.id, userId: m.user.id, role: "viewer" });
    const r = await removeMember(t.db, a.id, m.membership.id, { userId: owner.id, role: "owner" });
    expect(r.sessionsRevoked).toBe(false);
    await expect(getWorkspaceAccess(t.db, m.user.id, a.slug, "viewer")).rejects.toMatchObject({ code: "NOT_FOUND" });
    await getWorkspaceAccess(t.db, m.user.id, b.slug, "viewer");
    const [u] = await t.db.select().from(users).where(eq(users.id, m.user.id));
    expect(u!.sessionVersion).toBe(m.user.sessionVersion);
  });

  it("disabling refuses access until re-enabled", async () => {
    const { workspace, owner } = await makeWorkspace(t.db);
    const m = await addMember(t.db, workspace.id, { role: "viewer" });
    const actor = { userId: owner.id, role: "owner" as const };
    await setMemberDisabled(t.db, workspace.id, m.membership.id, true, actor);
    await expect(getWorkspaceAccess(t.db, m.user.id, workspace.slug, "viewer")).rejects.toMatchObject({ code: "NOT_FOUND" });
    await setMemberDisabled(t.db, workspace.id, m.membership.id, false, actor);
    await getWorkspaceAccess(t.db, m.user.id, workspace.slug, "viewer");
  });
});

describe("audit log", () => {
  it("records every change with actor, before/after and IP, paginated newest first and per workspace", async () => {
    const { workspace, owner } = await makeWorkspace(t.db);
    const { workspace: other, owner: otherOwner } = await makeWorkspace(t.db);
    const actor = { userId: owner.id, role: "owner" as const, ip: "198.51.100.7" };
    const m = await addMember(t.db, workspace.id, { role: "viewer" });
    for (const role of ["editor", "viewer", "editor", "admin", "viewer"] as const)
      await changeMemberRole(t.db, workspace.id, m.membership.id, role, actor);
    await setMemberDisabled(t.db, workspace.id, m.membership.id, true, actor);
    const o = await addMember(t.db, other.id, { role: "viewer" });
    await changeMemberRole(t.db, other.id, o.membership.id, "editor", { userId: otherOwner.id, role: "owner" });

    const first = await listAuditPage(t.db, workspace.id, { limit: 4 });
    expect(first.items).toHaveLength(4);
    expect(first.items[0]).toMatchObject({
      action: "member.disabled",
      ip: "198.51.100.7",
      actor: { kind: "user", id: owner.id, email: owner.email },
    });
    expect(first.nextCursor).toBeTruthy();
    const second = await listAuditPage(t.db, workspace.id, { limit: 4, cursor: first.nextCursor });
    expect(second.items).toHaveLength(2);
    expect(second.nextCursor).toBeNull();
    const all = [...first.items, ...second.items];
    expect(new Set(all.map((i) => i.id)).size).toBe(6);
    expect(all.at(-1)).toMatchObject({
      action: "member.role_changed",
      before: { role: "viewer" },
      after: { role: "editor" },
      targetId: m.membership.id,
    });
    await expect(listAuditPage(t.db, workspace.id, { cursor: "garbage" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});
