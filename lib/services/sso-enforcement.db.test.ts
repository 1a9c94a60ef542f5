import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, domains, linkedIdentities } from "@/db/schema";
import { addMember, makeConnection, makeWorkspace, uniq } from "@/lib/testing/fixtures";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { addDomain } from "./domains";
import { signInWithPassword } from "./password-sign-in";
import { getEnforcement, previewEnforcement, setBreakGlass, setEnforcement } from "./sso-enforcement";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t.close();
});

const PASSWORD = "correct-horse-battery";
let ipN = 0;
const signIn = (email: string, password = PASSWORD) => signInWithPassword(t.db, { email, password, ip: `10.55.0.${++ipN % 250}` });

async function verifiedDomain(workspaceId: string, status: "verified" | "failing" | "pending" = "verified") {
  const name = `corp-${uniq()}.example.com`;
  const d = await addDomain(t.db, workspaceId, name, {});
  await t.db.update(domains).set({ status }).where(eq(domains.id, d.id));
  return name;
}

describe("enforcement modes", () => {
  it("off: everyone may use a password", async () => {
    const { workspace } = await makeWorkspace(t.db);
    const domain = await verifiedDomain(workspace.id);
    await addMember(t.db, workspace.id, { email: `a@${domain}`, password: PASSWORD, source: "sso" });
    await expect(signIn(`a@${domain}`)).resolves.toMatchObject({ email: `a@${domain}` });
  });

  it("sso_provisioned_users: members provisioned by SSO are refused; password members and break-glass are not", async () => {
    const { workspace } = await makeWorkspace(t.db);
    await makeConnection(t.db, workspace.id);
    const s = uniq();
    const sso = await addMember(t.db, workspace.id, { email: `sso-${s}@mixed.example`, password: PASSWORD, source: "sso" });
    await addMember(t.db, workspace.id, { email: `pw-${s}@mixed.example`, password: PASSWORD, source: "password" });
    await setEnforcement(t.db, workspace.id, "sso_provisioned_users", {}, { confirm: true });

    const err = await signIn(`sso-${s}@mixed.example`).catch((e) => e);
    expect(err).toMatchObject({ code: "SSO_REQUIRED", status: 403 });
    expect(err.hint).toBeTruthy();
    await expect(signIn(`pw-${s}@mixed.example`)).resolves.toBeTruthy();

    // A wrong password still says INVALID_CREDENTIALS (enforcement is only revealed to the account holder).
    await expect(signIn(`sso-${s}@mixed.example`, "wrong-password")).rejects.toMatchObject({ code: "INVALID_CREDENTIALS" });

    await setBreakGlass(t.db, workspace.id, sso.membership.id, true, { userId: null, ip: "127.0.0.1" });
    await expect(signIn(`sso-${s}@mixed.example`)).resolves.toBeTruthy();
    const audit = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.workspaceId, workspace.id), eq(auditLog.action, "member.break_glass_granted")));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.targetId).toBe(sso.membership.id);
  });

  it("verified_domains: every address in a verified domain is refused, members or not; failing/pending domains and other domains are not", async () => {
    const { workspace } = await makeWorkspace(t.db);
    const conn = await makeConnection(t.db, workspace.id);
    const verified = await verifiedDomain(workspace.id);
    await t.db.update(domains).set({ connectionId: conn.id }).where(eq(domains.domain, verified));
    const failing = await verifiedDomain(workspace.id, "failing");
    const pending = await verifiedDomain(workspace.id, "pending");
    const member = await addMember(t.db, workspace.id, { email: `member@${verified}`, password: PASSWORD });
    const other = await makeWorkspace(t.db);
    await addMember(t.db, other.workspace.id, { email: `outsider@${verified}`, password: PASSWORD });
    await addMember(t.db, workspace.id, { email: `f@${failing}`, password: PASSWORD });
    await addMember(t.db, workspace.id, { email: `p@${pending}`, password: PASSWORD });
    await addMember(t.db, workspace.id, { email: `elsewhere-${uniq()}@gmail.example`, password: PASSWORD });

    await setEnforcement(t.db, workspace.id, "verified_domains", {}, { confirm: true });
    await expect(signIn(`member@${verified}`)).rejects.toMatchObject({ code: "SSO_REQUIRED" });
    await expect(signIn(`MEMBER@${verified.toUpperCase()}`)).rejects.toMatchObject({ code: "SSO_REQUIRED" });
    await expect(signIn(`outsider@${verified}`)).rejects.toMatchObject({ code: "SSO_REQUIRED" });
    await expect(signIn(`f@${failing}`)).resolves.toBeTruthy();
    await expect(signIn(`p@${pending}`)).resolves.toBeTruthy();

    await setBreakGlass(t.db, workspace.id, member.membership.id, true, {});
    await expect(signIn(`member@${verified}`)).resolves.toBeTruthy();
    // Break-glass in this workspace does not exempt someone who is not its member.
    await expect(signIn(`outsider@${verified}`)).rejects.toMatchObject({ code: "SSO_REQUIRED" });
  });

  it("break-glass on another workspace's member is NOT_FOUND", async () => {
    const a = await makeWorkspace(t.db);
    const b = await makeWorkspace(t.db);
    const m = await addMember(t.db, a.workspace.id, { email: `x-${uniq()}@bg.example`, password: PASSWORD });
    await expect(setBreakGlass(t.db, b.workspace.id, m.membership.id, true, {})).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("warnings before enforcing", () => {
  it("no active connection needs confirmation; nothing changes without it", async () => {
    const { workspace } = await makeWorkspace(t.db);
    const err = await setEnforcement(t.db, workspace.id, "sso_provisioned_users", {}).catch((e) => e);
    expect(err.code).toBe("ENFORCEMENT_CONFIRMATION_REQUIRED");
    expect(err.status).toBe(409);
    expect(err.detail.warnings.map((w: { code: string }) => w.code)).toContain("NO_ACTIVE_CONNECTION");
    expect((await getEnforcement(t.db, workspace.id)).mode).toBe("off");
    await setEnforcement(t.db, workspace.id, "sso_provisioned_users", { userId: null }, { confirm: true });
    expect((await getEnforcement(t.db, workspace.id)).mode).toBe("sso_provisioned_users");
    const audit = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.workspaceId, workspace.id), eq(auditLog.action, "workspace.sso_enforcement_changed")));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.before).toEqual({ mode: "off" });
  });

  it("warns the acting owner who would lock themselves out, until they have an SSO identity or are break-glass", async () => {
    const s = uniq();
    const domain = `own-${s}.example.com`;
    const { workspace, owner } = await makeWorkspace(t.db, { ownerEmail: `boss@${domain}` });
    const conn = await makeConnection(t.db, workspace.id);
    const d = await addDomain(t.db, workspace.id, domain, {});
    await t.db.update(domains).set({ status: "verified", connectionId: conn.id }).where(eq(domains.id, d.id));

    const codes = async () => (await previewEnforcement(t.db, workspace.id, "verified_domains", owner.id)).map((w) => w.code);
    expect(await codes()).toEqual(["LOCKS_YOU_OUT"]);
    await expect(setEnforcement(t.db, workspace.id, "verified_domains", { userId: owner.id })).rejects.toMatchObject({
      code: "ENFORCEMENT_CONFIRMATION_REQUIRED",
    });
    // Seen from an API key (no acting user), the same owner is reported as another owner.
    expect((await previewEnforcement(t.db, workspace.id, "verified_domains", null)).map((w) => w.code)).toEqual(["LOCKS_OUT_OWNERS"]);

    await t.db.insert(linkedIdentities).values({ connectionId: conn.id, nameId: `boss@${domain}`, userId: owner.id });
    expect(await codes()).toEqual([]);
    await expect(setEnforcement(t.db, workspace.id, "verified_domains", { userId: owner.id })).resolves.toMatchObject({
      mode: "verified_domains",
      warnings: [],
    });
  });

  it("verified_domains warns about verified domains not routed to an active connection; off never warns", async () => {
    const { workspace } = await makeWorkspace(t.db);
    await makeConnection(t.db, workspace.id);
    const domain = await verifiedDomain(workspace.id);
    const w = await previewEnforcement(t.db, workspace.id, "verified_domains", null);
    expect(w.find((x) => x.code === "UNROUTED_DOMAINS")?.detail).toEqual({ domains: [domain] });
    expect(await previewEnforcement(t.db, workspace.id, "off", null)).toEqual([]);
    const { workspace: empty } = await makeWorkspace(t.db);
    await makeConnection(t.db, empty.id);
    expect(await previewEnforcement(t.db, empty.id, "verified_domains", null)).toEqual([
      expect.objectContaining({ code: "NO_VERIFIED_DOMAINS", severity: "info" }),
    ]);
  });
});
