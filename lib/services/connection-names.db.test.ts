import { readFileSync } from "node:fs";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connections } from "@/db/schema";
import { connectionCreateSchema } from "@/lib/schemas/connections";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { memberActor } from "./actor";
import { createConnection, getConnectionOrThrow, updateConnection } from "./connections";
import { createWorkspace } from "./workspaces";

/** End users see the connection's name ("Continue with <name>"): one name per connection in a workspace. */
let t: TestDb;
let a: { id: string; owner: ReturnType<typeof memberActor> };
let b: { id: string; owner: ReturnType<typeof memberActor> };

beforeAll(async () => {
  t = await createTestDb();
  const wa = await createWorkspace(t.db, { slug: "names-a", name: "A", ownerEmail: "a@names.test" });
  const wb = await createWorkspace(t.db, { slug: "names-b", name: "B", ownerEmail: "b@names.test" });
  a = { id: wa.workspace.id, owner: memberActor(wa.owner.id, "owner") };
  b = { id: wb.workspace.id, owner: memberActor(wb.owner.id, "owner") };
});
afterAll(async () => {
  await t?.close();
});

const create = (ws: { id: string; owner: ReturnType<typeof memberActor> }, name: string, slug: string) =>
  createConnection(t.db, ws.id, connectionCreateSchema.parse({ name, slug }), ws.owner);

describe("connection names are unique per workspace", () => {
  it("refuses a second connection with the same name, whatever the case, with a stable code and an error on the name field", async () => {
    await create(a, "Okta", "names-okta-1");
    for (const [name, slug] of [
      ["Okta", "names-okta-2"],
      ["okta", "names-okta-3"],
      ["  OKTA ", "names-okta-4"],
    ] as const) {
      await expect(create(a, name, slug)).rejects.toMatchObject({
        code: "CONNECTION_NAME_TAKEN",
        status: 409,
        fields: [{ path: "name", message: expect.stringMatching(/tell them apart/) }],
      });
    }
    // Nothing half-made: the refused slugs are still free.
    expect(await t.db.select().from(connections).where(eq(connections.slug, "names-okta-2"))).toHaveLength(0);
  });

  it("another workspace may use the same name (and the refusal tells nothing about other workspaces)", async () => {
    const c = await create(b, "Okta", "names-b-okta");
    expect(c.name).toBe("Okta");
  });

  it("renaming onto another connection's name is refused too", async () => {
    const c = await create(a, "Okta (contractors)", "names-okta-contractors");
    await expect(updateConnection(t.db, a.id, c.id, { version: c.version, name: "OKTA" }, a.owner)).rejects.toMatchObject({
      code: "CONNECTION_NAME_TAKEN",
    });
    expect((await getConnectionOrThrow(t.db, a.id, c.id)).name).toBe("Okta (contractors)");
    const renamed = await updateConnection(t.db, a.id, c.id, { version: c.version, name: "Okta contractors" }, a.owner);
    expect(renamed.name).toBe("Okta contractors");
  });
});

describe("the migration resolves existing duplicates safely", () => {
  it("keeps the oldest name, appends the slug to later duplicates, then enforces uniqueness", async () => {
    // The state before the migration: no unique index, duplicate names in one workspace.
    await t.db.execute(sql`drop index connections_workspace_name_key`);
    const ws = await createWorkspace(t.db, { slug: "names-dup", name: "Dup", ownerEmail: "d@names.test" });
    const at = (s: number) => new Date(Date.UTC(2030, 0, 1, 0, 0, s));
    await t.db.insert(connections).values([
      { workspaceId: ws.workspace.id, name: "Okta", slug: "dup-okta-first", createdAt: at(1) },
      { workspaceId: ws.workspace.id, name: "okta", slug: "dup-okta-second", createdAt: at(2) },
      { workspaceId: ws.workspace.id, name: "OKTA", slug: "dup-okta-third", createdAt: at(3) },
      { workspaceId: ws.workspace.id, name: "Entra", slug: "dup-entra", createdAt: at(4) },
    ]);
    const file = readFileSync(path.join(process.cwd(), "db/migrations/0010_console-b.sql"), "utf8");
    const statements = file.split("--> statement-breakpoint").filter((s) => !/ADD COLUMN/.test(s));
    for (const s of statements) await t.db.execute(sql.raw(s));
    const rows = await t.db.select().from(connections).where(eq(connections.workspaceId, ws.workspace.id));
    const bySlug = Object.fromEntries(rows.map((r) => [r.slug, r.name]));
    expect(bySlug).toEqual({
      "dup-okta-first": "Okta",
      "dup-okta-second": "okta (dup-okta-second)",
      "dup-okta-third": "OKTA (dup-okta-third)",
      "dup-entra": "Entra",
    });
    // The index is back and holds.
    await expect(create({ id: ws.workspace.id, owner: a.owner }, "Entra", "dup-entra-2")).rejects.toMatchObject({
      code: "CONNECTION_NAME_TAKEN",
    });
  });
});
