import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "@/db/schema";
import { addMember, makeConnection, makeWorkspace } from "@/lib/testing/fixtures";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { memberActor, OPERATOR } from "./actor";
import { getConnectionOrThrow, updateConnection } from "./connections";
import { appendRoleMapping, listRoleMappings, replaceRoleMappings } from "./role-mapping";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t.close();
});

const rule = (value: string, role: "admin" | "editor" | "viewer" = "editor") => ({ attribute: "groups", value, role });

describe("role mappings and the connection's version", () => {
  it("every save bumps the version in its transaction; a save against an older version → VERSION_CONFLICT, nothing written", async () => {
    const { workspace } = await makeWorkspace(t.db);
    const c = await makeConnection(t.db, workspace.id);
    const saved = await replaceRoleMappings(t.db, workspace.id, c.id, [rule("eng")], OPERATOR, { expectedVersion: c.version });
    expect(saved.version).toBe(c.version + 1);
    expect((await getConnectionOrThrow(t.db, workspace.id, c.id)).version).toBe(c.version + 1);

    await expect(
      replaceRoleMappings(t.db, workspace.id, c.id, [rule("stale")], OPERATOR, { expectedVersion: c.version }),
    ).rejects.toMatchObject({
      code: "VERSION_CONFLICT",
    });
    expect((await listRoleMappings(t.db, workspace.id, c.id)).map((r) => r.value)).toEqual(["eng"]);

    // A settings save in between makes the rule editor's version stale, and the other way round.
    await updateConnection(t.db, workspace.id, c.id, { version: saved.version, name: "Renamed" }, OPERATOR);
    await expect(
      replaceRoleMappings(t.db, workspace.id, c.id, [rule("late")], OPERATOR, { expectedVersion: saved.version }),
    ).rejects.toMatchObject({ code: "VERSION_CONFLICT" });
    const now = (await getConnectionOrThrow(t.db, workspace.id, c.id)).version;
    await appendRoleMapping(t.db, workspace.id, c.id, rule("cli", "viewer"), OPERATOR);
    await expect(updateConnection(t.db, workspace.id, c.id, { version: now, name: "Stale" }, OPERATOR)).rejects.toMatchObject({
      code: "VERSION_CONFLICT",
    });
  });

  it("saves racing from the same version: exactly one wins, the others answer VERSION_CONFLICT", async () => {
    const { workspace } = await makeWorkspace(t.db);
    const c = await makeConnection(t.db, workspace.id);
    const racers = ["a", "b", "c", "d", "e"];
    const results = await Promise.allSettled(
      racers.map((v) =>
        replaceRoleMappings(t.db, workspace.id, c.id, [rule(v), rule(`${v}-2`, "admin")], OPERATOR, { expectedVersion: c.version }),
      ),
    );
    const won = results.flatMap((r, i) => (r.status === "fulfilled" ? [racers[i]!] : []));
    expect(won).toHaveLength(1);
    expect(results.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(
      Array(racers.length - 1).fill("VERSION_CONFLICT"),
    );
    expect((await listRoleMappings(t.db, workspace.id, c.id)).map((r) => r.value)).toEqual([won[0], `${won[0]}-2`]);
    expect((await getConnectionOrThrow(t.db, workspace.id, c.id)).version).toBe(c.version + 1);
    const audits = await t.db.select().from(auditLog).where(eq(auditLog.targetId, c.id));
    expect(audits.filter((a) => a.action === "connection.role_mappings_replaced")).toHaveLength(1);
  });

  it("role mappings are trust: only an owner changes them; saving the same list again is a no-op an admin may do (stale version still conflicts)", async () => {
    const { workspace, owner } = await makeWorkspace(t.db);
    const c = await makeConnection(t.db, workspace.id);
    const ownerActor = memberActor(owner.id, "owner");
    const saved = await replaceRoleMappings(t.db, workspace.id, c.id, [rule("eng"), rule("ops", "admin")], ownerActor, {
      expectedVersion: c.version,
    });
    const { user: adminUser } = await addMember(t.db, workspace.id, { role: "admin" });
    const admin = memberActor(adminUser.id, "admin");
    await expect(
      replaceRoleMappings(t.db, workspace.id, c.id, [rule("eng"), rule("ops", "viewer")], admin, { expectedVersion: saved.version }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(appendRoleMapping(t.db, workspace.id, c.id, rule("more"), admin)).rejects.toMatchObject({ code: "FORBIDDEN" });

    const same = await replaceRoleMappings(t.db, workspace.id, c.id, [rule("eng"), rule("ops", "admin")], admin, {
      expectedVersion: saved.version,
    });
    expect(same.version).toBe(saved.version);
    expect(same.rules.map((r) => r.value)).toEqual(["eng", "ops"]);
    expect((await getConnectionOrThrow(t.db, workspace.id, c.id)).version).toBe(saved.version);
    await expect(
      replaceRoleMappings(t.db, workspace.id, c.id, [rule("eng"), rule("ops", "admin")], admin, { expectedVersion: c.version }),
    ).rejects.toMatchObject({ code: "VERSION_CONFLICT" });
    const audits = await t.db.select().from(auditLog).where(eq(auditLog.targetId, c.id));
    expect(audits.filter((a) => a.action === "connection.role_mappings_replaced")).toHaveLength(1);
  });

  it("another workspace's connection is NOT_FOUND, with or without a version", async () => {
    const { workspace } = await makeWorkspace(t.db);
    const { workspace: other } = await makeWorkspace(t.db);
    const c = await makeConnection(t.db, workspace.id);
    for (const opts of [{}, { expectedVersion: c.version }]) {
      await expect(replaceRoleMappings(t.db, other.id, c.id, [rule("x")], OPERATOR, opts)).rejects.toMatchObject({ code: "NOT_FOUND" });
    }
    await expect(appendRoleMapping(t.db, other.id, c.id, rule("x"), OPERATOR)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await listRoleMappings(t.db, workspace.id, c.id)).toEqual([]);
  });
});
