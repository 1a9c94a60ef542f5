import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, domains, linkedIdentities, memberships, workspaces } from "@/db/schema";
import { resolveSessionUser } from "@/lib/auth/session-token";
import { addMember, makeConnection, makeWorkspace, uniq } from "@/lib/testing/fixtures";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { addDomain, routeDomain } from "./domains";
import { signInWithPassword } from "./password-sign-in";
import {
  getEnforcement,
  previewEnforcement,
  previewEnforcementChange,
  setBreakGlass,
  setEnforcement,
  setOwnersBreakGlass,
} from "./sso-enforcement";

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
    const conn = await makeConnection(t.db, workspace.id);
    const s = uniq();
    const mixed = `mixed-${s}.example`;
    const sso = await addMember(t.db, workspace.id, { email: `sso-${s}@${mixed}`, password: PASSWORD, source: "sso" });
    await addMember(t.db, workspace.id, { email: `pw-${s}@${mixed}`, password: PASSWORD, source: "password" });
    await setEnforcement(t.db, workspace.id, "sso_provisioned_users", {}, { confirm: true });
    // Their domain is not verified and routed yet: enforcing them would leave no way in, so it does not.
    await expect(signIn(`sso-${s}@${mixed}`)).resolves.toBeTruthy();
    const d = await addDomain(t.db, workspace.id, mixed, {});
    await t.db.update(domains).set({ status: "verified", connectionId: conn.id }).where(eq(domains.id, d.id));

    const err = await signIn(`sso-${s}@${mixed}`).catch((e) => e);
    expect(err).toMatchObject({ code: "SSO_REQUIRED", status: 403 });
    // The refusal names the way in: "Continue with <IdP>".
    expect(err.hint).toContain(`Continue with ${conn.name}`);
    await expect(signIn(`pw-${s}@${mixed}`)).resolves.toBeTruthy();

    // A wrong password still says INVALID_CREDENTIALS (enforcement is only revealed to the account holder).
    await expect(signIn(`sso-${s}@${mixed}`, "wrong-password")).rejects.toMatchObject({ code: "INVALID_CREDENTIALS" });

    await setBreakGlass(t.db, workspace.id, sso.membership.id, true, { userId: null, ip: "127.0.0.1" });
    await expect(signIn(`sso-${s}@${mixed}`)).resolves.toBeTruthy();
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
  it("without a connection that can sign people in, enforcement enforces nobody and needs no confirmation", async () => {
    const { workspace } = await makeWorkspace(t.db);
    await makeConnection(t.db, workspace.id, { configured: false });
    const w = await previewEnforcement(t.db, workspace.id, "sso_provisioned_users", null);
    expect(w).toEqual(expect.arrayContaining([expect.objectContaining({ code: "NO_ACTIVE_CONNECTION", severity: "info" })]));
    expect(w.every((x) => x.severity === "info")).toBe(true);
    await setEnforcement(t.db, workspace.id, "sso_provisioned_users", { userId: null });
    expect((await getEnforcement(t.db, workspace.id)).mode).toBe("sso_provisioned_users");
    const audit = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.workspaceId, workspace.id), eq(auditLog.action, "workspace.sso_enforcement_changed")));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.before).toEqual({ mode: "off" });
  });

  it("another owner who would need SSO and never used it needs confirmation; nothing changes without it", async () => {
    const s = uniq();
    const domain = `own2-${s}.example.com`;
    const { workspace, owner } = await makeWorkspace(t.db, { ownerEmail: `boss@${domain}` });
    const conn = await makeConnection(t.db, workspace.id);
    const d = await addDomain(t.db, workspace.id, domain, {});
    await t.db.update(domains).set({ status: "verified", connectionId: conn.id }).where(eq(domains.id, d.id));
    await t.db.insert(linkedIdentities).values({ connectionId: conn.id, nameId: `boss@${domain}`, userId: owner.id });
    await addMember(t.db, workspace.id, { email: `second@${domain}`, role: "owner", password: PASSWORD });
    await setOwnersBreakGlass(t.db, workspace.id, false, { userId: owner.id }, { confirmation: workspace.slug });

    const err = await setEnforcement(t.db, workspace.id, "verified_domains", { userId: owner.id }).catch((e) => e);
    expect(err).toMatchObject({ code: "ENFORCEMENT_CONFIRMATION_REQUIRED", status: 409 });
    expect(err.detail.warnings.map((w: { code: string }) => w.code)).toEqual(["LOCKS_OUT_OWNERS"]);
    expect((await getEnforcement(t.db, workspace.id)).mode).toBe("off");
    await setEnforcement(t.db, workspace.id, "verified_domains", { userId: owner.id }, { confirm: true });
    expect((await getEnforcement(t.db, workspace.id)).mode).toBe("verified_domains");
  });

  it("owners are break-glass by default; removing it needs the slug typed; a change that would end the actor's own access is refused", async () => {
    const s = uniq();
    const domain = `own-${s}.example.com`;
    const { workspace, owner } = await makeWorkspace(t.db, { ownerEmail: `boss@${domain}` });
    const conn = await makeConnection(t.db, workspace.id);
    const d = await addDomain(t.db, workspace.id, domain, {});
    await t.db.update(domains).set({ status: "verified", connectionId: conn.id }).where(eq(domains.id, d.id));

    // Break-glass by default: the owner is not enforced, so nothing warns.
    const codes = async () => (await previewEnforcement(t.db, workspace.id, "verified_domains", owner.id)).map((w) => w.code);
    expect(await codes()).toEqual([]);
    await setEnforcement(t.db, workspace.id, "verified_domains", { userId: owner.id });

    // Removing owners' break-glass: refused without the typed slug, and refused (never confirmable) while it would lock the actor out.
    await expect(setOwnersBreakGlass(t.db, workspace.id, false, { userId: owner.id }, { confirmation: "yes" })).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
      fields: [expect.objectContaining({ path: "confirmation" })],
    });
    await expect(
      setOwnersBreakGlass(t.db, workspace.id, false, { userId: owner.id }, { confirmation: workspace.slug }),
    ).rejects.toMatchObject({ code: "ENFORCEMENT_LOCKS_YOU_OUT", status: 409 });
    expect((await getEnforcement(t.db, workspace.id)).ownersBreakGlass).toBe(true);
    expect(
      (await previewEnforcementChange(t.db, workspace.id, { mode: "verified_domains", ownersBreakGlass: false }, owner.id)).warnings.map(
        (w) => w.code,
      ),
    ).toEqual(["LOCKS_YOU_OUT"]);

    // Once the owner signed in with SSO here, it is allowed and audited.
    await t.db.insert(linkedIdentities).values({ connectionId: conn.id, nameId: `boss@${domain}`, userId: owner.id });
    await setOwnersBreakGlass(t.db, workspace.id, false, { userId: owner.id }, { confirmation: workspace.slug });
    expect((await getEnforcement(t.db, workspace.id)).ownersBreakGlass).toBe(false);
    const audit = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.workspaceId, workspace.id), eq(auditLog.action, "workspace.owners_break_glass_revoked")));
    expect(audit).toHaveLength(1);
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

describe("scope: only people who have a way in are enforced", () => {
  it("the preview lists who must use SSO (count and first names) and who keeps a password, and why", async () => {
    const s = uniq();
    const domain = `pv-${s}.example.com`;
    const { workspace, owner } = await makeWorkspace(t.db, { ownerEmail: `owner@${domain}` });
    const conn = await makeConnection(t.db, workspace.id);
    const d = await addDomain(t.db, workspace.id, domain, {});
    await t.db.update(domains).set({ status: "verified", connectionId: conn.id }).where(eq(domains.id, d.id));
    for (const n of ["ann", "ben", "cat", "dan", "eve", "fay"]) await addMember(t.db, workspace.id, { email: `${n}@${domain}` });
    const bg = await addMember(t.db, workspace.id, { email: `glass@${domain}` });
    await setBreakGlass(t.db, workspace.id, bg.membership.id, true, {});
    await addMember(t.db, workspace.id, { email: `outside-${s}@elsewhere.example` });

    const p = await previewEnforcementChange(t.db, workspace.id, { mode: "verified_domains" }, owner.id);
    expect(p.mustUseSso.count).toBe(6);
    expect(p.mustUseSso.names).toHaveLength(5);
    expect(p.mustUseSso.names.every((n) => n.endsWith(`@${domain}`))).toBe(true);
    expect(p.keepPassword.count).toBe(3);
    const kept = Object.fromEntries(p.keepPassword.names.map((n, i) => [n, p.keepPassword.reasons[i]]));
    expect(kept).toEqual({
      [`owner@${domain}`]: "owner (break-glass)",
      [`glass@${domain}`]: "break-glass",
      [`outside-${s}@elsewhere.example`]: "their domain is not verified and routed to a working connection",
    });
    // Off: nobody.
    expect((await previewEnforcementChange(t.db, workspace.id, { mode: "off" }, owner.id)).mustUseSso.count).toBe(0);
  });

  it("the only owner enforces verified domains, then verifies and routes their own domain: their password session stays valid", async () => {
    const s = uniq();
    const domain = `lock-${s}.example.com`;
    const { workspace, owner } = await makeWorkspace(t.db, { ownerEmail: `only@${domain}`, ownerPassword: PASSWORD });
    const conn = await makeConnection(t.db, workspace.id);
    const claims = { uid: owner.id, sv: owner.sessionVersion, amr: "pwd" };
    await setEnforcement(t.db, workspace.id, "verified_domains", { userId: owner.id });
    const d = await addDomain(t.db, workspace.id, domain, { userId: owner.id });
    await t.db.update(domains).set({ status: "verified" }).where(eq(domains.id, d.id));
    expect(await resolveSessionUser(t.db, claims)).toMatchObject({ id: owner.id });
    await routeDomain(t.db, workspace.id, d.id, conn.id, { userId: owner.id });
    expect(await resolveSessionUser(t.db, claims)).toMatchObject({ id: owner.id });
    await expect(signIn(`only@${domain}`)).resolves.toBeTruthy();
    // Someone else at that domain must use SSO, and is told which IdP.
    await addMember(t.db, workspace.id, { email: `staff@${domain}`, password: PASSWORD });
    const err = await signIn(`staff@${domain}`).catch((e) => e);
    expect(err).toMatchObject({ code: "SSO_REQUIRED", detail: { connection: conn.name } });
  });

  it("a domain routes only to a connection that can sign people in", async () => {
    const { workspace } = await makeWorkspace(t.db);
    const bare = await makeConnection(t.db, workspace.id, { configured: false });
    const d = await addDomain(t.db, workspace.id, `rt-${uniq()}.example.com`, {});
    await t.db.update(domains).set({ status: "verified" }).where(eq(domains.id, d.id));
    await expect(routeDomain(t.db, workspace.id, d.id, bare.id, {})).rejects.toMatchObject({
      code: "CONNECTION_NOT_READY",
      fields: [expect.objectContaining({ path: "connectionId" })],
    });
    const off = await makeConnection(t.db, workspace.id, { active: false });
    await expect(routeDomain(t.db, workspace.id, d.id, off.id, {})).rejects.toMatchObject({ code: "CONFLICT" });
    const ready = await makeConnection(t.db, workspace.id);
    await expect(routeDomain(t.db, workspace.id, d.id, ready.id, {})).resolves.toMatchObject({ connectionId: ready.id });
  });

  it("routing the actor's own domain, or revoking their own break-glass, is refused while it would lock them out", async () => {
    const s = uniq();
    const domain = `self-${s}.example.com`;
    const { workspace, owner } = await makeWorkspace(t.db, { ownerEmail: `me@${domain}` });
    const conn = await makeConnection(t.db, workspace.id);
    const d = await addDomain(t.db, workspace.id, domain, {});
    await t.db.update(domains).set({ status: "verified" }).where(eq(domains.id, d.id));
    const [me] = await t.db.select().from(memberships).where(eq(memberships.userId, owner.id));
    await setBreakGlass(t.db, workspace.id, me!.id, true, {});
    await t.db
      .update(workspaces)
      .set({ ownersBreakGlass: false, ssoEnforcement: "verified_domains" })
      .where(eq(workspaces.id, workspace.id));
    await routeDomain(t.db, workspace.id, d.id, conn.id, { userId: owner.id });
    await expect(setBreakGlass(t.db, workspace.id, me!.id, false, { userId: owner.id })).rejects.toMatchObject({
      code: "ENFORCEMENT_LOCKS_YOU_OUT",
    });
    await setBreakGlass(t.db, workspace.id, me!.id, false, {}); // an API key or the operator may
    await routeDomain(t.db, workspace.id, d.id, null, {});
    await expect(routeDomain(t.db, workspace.id, d.id, conn.id, { userId: owner.id })).rejects.toMatchObject({
      code: "ENFORCEMENT_LOCKS_YOU_OUT",
    });
  });
});
