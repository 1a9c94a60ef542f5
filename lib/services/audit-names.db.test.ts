import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMember, makeConnection, makeWorkspace, uniq } from "@/lib/testing/fixtures";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import type { AuditFilter } from "@/lib/schemas/audit";
import { iterateAudit, listAuditPage } from "./audit";
import { auditCsvLine } from "./audit-csv";
import { addDomain, removeDomain } from "./domains";
import { changeMemberRole } from "./members";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t.close();
});

describe("audit log: names, filters, CSV", () => {
  it("names targets (member email, domain, connection) now, and by the name stored at write time once they are gone", async () => {
    const { workspace, owner } = await makeWorkspace(t.db);
    const actor = { userId: owner.id, role: "owner" as const };
    const m = await addMember(t.db, workspace.id, { email: `named-${uniq()}@example.test` });
    await changeMemberRole(t.db, workspace.id, m.membership.id, "editor", actor);
    const d = await addDomain(t.db, workspace.id, `gone-${uniq()}.example.com`, actor);
    await removeDomain(t.db, workspace.id, d.id, actor);
    const conn = await makeConnection(t.db, workspace.id);

    const { items } = await listAuditPage(t.db, workspace.id);
    const role = items.find((i) => i.action === "member.role_changed")!;
    expect(role.targetName).toBe(m.user.email);
    expect(role.targetGone).toBe(false);
    const removed = items.find((i) => i.action === "domain.removed")!;
    expect(removed.targetName).toBe(d.domain);
    expect(removed.targetGone).toBe(true);
    expect(items.find((i) => i.action === "domain.added")!.targetName).toBe(d.domain);
    expect(conn.id).toBeTruthy();
  });

  it("filters by actor, action (exact or prefix), target and date range; another workspace's entries never appear", async () => {
    const { workspace, owner } = await makeWorkspace(t.db);
    const other = await makeWorkspace(t.db);
    const actor = { userId: owner.id, role: "owner" as const };
    const m = await addMember(t.db, workspace.id, { email: `filter-${uniq()}@example.test` });
    await changeMemberRole(t.db, workspace.id, m.membership.id, "editor", actor);
    const dom = `filter-${uniq()}.example.com`;
    await addDomain(t.db, workspace.id, dom, actor);
    await addDomain(t.db, other.workspace.id, `other-${uniq()}.example.com`, { userId: other.owner.id });

    const list = async (filter: AuditFilter) => (await listAuditPage(t.db, workspace.id, { filter })).items.map((i) => i.action);
    expect(await list({ action: "domain" })).toEqual(["domain.added"]);
    expect(await list({ action: "member.role_changed" })).toEqual(["member.role_changed"]);
    expect(await list({ target: m.user.email.slice(0, 12) })).toEqual(["member.role_changed"]);
    expect(await list({ target: dom })).toEqual(["domain.added"]);
    expect((await list({ actor: owner.email })).sort()).toEqual(["domain.added", "member.role_changed"]);
    expect(await list({ actor: "nobody-like-this" })).toEqual([]);
    expect(await list({ actor: "100%_" })).toEqual([]);
    const today = new Date().toISOString().slice(0, 10);
    expect((await list({ from: today, to: today })).length).toBe(2);
    expect(await list({ to: "2000-01-01" })).toEqual([]);
  });

  it("CSV export streams every entry with names, neutralising formula cells", async () => {
    const { workspace, owner } = await makeWorkspace(t.db);
    const actor = { userId: owner.id, role: "owner" as const };
    const m = await addMember(t.db, workspace.id, { email: `csv-${uniq()}@example.test` });
    await changeMemberRole(t.db, workspace.id, m.membership.id, "admin", actor);
    const rows: string[] = [];
    for await (const item of iterateAudit(t.db, workspace.id, {}, 1)) rows.push(auditCsvLine(item));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain(`,member.role_changed,membership,${m.user.email},${m.membership.id},`);
    const evil = auditCsvLine({ ...(await listAuditPage(t.db, workspace.id)).items[0]!, targetName: "=cmd|' /C calc'!A0" });
    expect(evil).toContain(`'=cmd|' /C calc'!A0`);
  });
});
