import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { createWorkspace, getWorkspaceAccess } from "./workspaces";
import { findOrCreateUser, findUserByEmail } from "./users";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t.close();
});

describe("workspaces", () => {
  it("creates a workspace with an owner and refuses a taken slug", async () => {
    const { workspace, owner } = await createWorkspace(t.db, {
      slug: "ws-one",
      name: "One",
      ownerEmail: "Owner@One.test",
      ownerPassword: "correct horse battery",
    });
    expect(workspace.slug).toBe("ws-one");
    expect(owner.email).toBe("owner@one.test");
    await expect(createWorkspace(t.db, { slug: "ws-one", name: "Again", ownerEmail: "x@y.test" })).rejects.toMatchObject({
      code: "SLUG_TAKEN",
    });
  });

  it("treats emails case-insensitively and uniquely", async () => {
    const a = await findOrCreateUser(t.db, { email: "Case@Example.test" });
    const b = await findOrCreateUser(t.db, { email: "case@example.TEST" });
    expect(a.created).toBe(true);
    expect(b.created).toBe(false);
    expect(b.user.id).toBe(a.user.id);
    expect((await findUserByEmail(t.db, "CASE@example.test"))?.id).toBe(a.user.id);
  });

  it("gives NOT_FOUND to non-members and FORBIDDEN to members below the role", async () => {
    const { owner } = await createWorkspace(t.db, { slug: "ws-two", name: "Two", ownerEmail: "two@two.test" });
    await createWorkspace(t.db, { slug: "ws-three", name: "Three", ownerEmail: "three@three.test" });
    await expect(getWorkspaceAccess(t.db, owner.id, "ws-three", "viewer")).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(getWorkspaceAccess(t.db, owner.id, "no-such-ws", "viewer")).rejects.toMatchObject({ code: "NOT_FOUND" });
    const access = await getWorkspaceAccess(t.db, owner.id, "ws-two", "owner");
    expect(access.membership.role).toBe("owner");
  });
});
