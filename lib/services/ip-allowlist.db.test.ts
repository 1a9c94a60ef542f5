/**
 * The sign-in IP allowlist's rules (issue 14, part 4) on a real database: owners only, the
 * self-lock-out confirmation decided by the server, the break-glass toggle, and what it means for a
 * person with memberships in several workspaces.
 */
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, memberships } from "@/db/schema";
import { isAppError } from "@/lib/errors";
import { ipAllowlistUpdateSchema } from "@/lib/schemas/ip-allowlist";
import { addMember, makeWorkspace } from "@/lib/testing/fixtures";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { apiKeyActor, memberActor, OPERATOR } from "./actor";
import {
  assertPasswordSignInIpAllowed,
  checkWorkspaceIp,
  clearIpAllowlist,
  firstReachableWorkspace,
  getIpAllowlist,
  setIpAllowlist,
} from "./ip-allowlist";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t.close();
});

const OFFICE = "203.0.113.0/24";
const HOME = "192.0.2.44";
const input = (ranges: string[], more: { exemptBreakGlassOwners?: boolean; confirmLockout?: string } = {}) =>
  ipAllowlistUpdateSchema.parse({ ranges, ...more });
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => (isAppError(e) ? e.code : String(e)),
  );

describe("inline validation (the one schema of form, action, REST and CLI)", () => {
  it("each invalid entry is reported at its own index, naming it; valid ones are normalised and de-duplicated", () => {
    const r = ipAllowlistUpdateSchema.safeParse({ ranges: ["10.0.0.0/8", "10.1.2.3/16", "bogus", "2001:DB8::/32", "10.0.0.0/8"] });
    expect(r.success).toBe(false);
    const issues = r.error!.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
    expect(issues).toEqual([
      { path: "ranges.1", message: expect.stringContaining("“10.1.2.3/16”") },
      { path: "ranges.2", message: expect.stringContaining("“bogus”") },
    ]);
    expect(input(["2001:DB8::/32", "10.0.0.0/8", "10.0.0.0/8"]).ranges).toEqual(["2001:db8::/32", "10.0.0.0/8"]);
  });
});

describe("setting the allowlist", () => {
  it("owners only: an admin is refused even with valid ranges", async () => {
    const { workspace } = await makeWorkspace(t.db);
    const { user: admin } = await addMember(t.db, workspace.id, { role: "admin" });
    expect(await codeOf(setIpAllowlist(t.db, workspace.id, input([OFFICE]), memberActor(admin.id, "admin", "203.0.113.5")))).toBe(
      "FORBIDDEN",
    );
    expect(await codeOf(clearIpAllowlist(t.db, workspace.id, apiKeyActor("k", "admin", admin.id, "203.0.113.5")))).toBe("FORBIDDEN");
    expect((await getIpAllowlist(t.db, workspace.id)).ranges).toEqual([]);
  });

  it("self-lock-out attack: ranges that exclude the owner's own address are refused without the typed confirmation", async () => {
    const { workspace, owner } = await makeWorkspace(t.db);
    const me = memberActor(owner.id, "owner", HOME);
    let err: unknown;
    await setIpAllowlist(t.db, workspace.id, input([OFFICE]), me).catch((e: unknown) => (err = e));
    expect(isAppError(err) && err.code).toBe("IP_ALLOWLIST_CONFIRMATION_REQUIRED");
    expect(isAppError(err) && err.detail).toMatchObject({ address: HOME, workspace: workspace.slug });
    // A wrong confirmation is not a confirmation.
    expect(await codeOf(setIpAllowlist(t.db, workspace.id, input([OFFICE], { confirmLockout: "yes" }), me))).toBe("VALIDATION_FAILED");
    expect((await getIpAllowlist(t.db, workspace.id)).ranges).toEqual([]);
    // An unknown address (no socket address) is outside every range: the same rule.
    expect(await codeOf(setIpAllowlist(t.db, workspace.id, input([OFFICE]), memberActor(owner.id, "owner", null)))).toBe(
      "IP_ALLOWLIST_CONFIRMATION_REQUIRED",
    );
    // Typed out, the change goes through and the audit says it was confirmed.
    await setIpAllowlist(t.db, workspace.id, input([OFFICE], { confirmLockout: workspace.slug }), me);
    expect((await getIpAllowlist(t.db, workspace.id)).ranges).toEqual([OFFICE]);
    const [entry] = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.workspaceId, workspace.id), eq(auditLog.action, "workspace.ip_allowlist_changed")));
    expect(entry).toMatchObject({
      actorUserId: owner.id,
      ip: HOME,
      before: { ranges: [], exemptBreakGlassOwners: false },
      after: { ranges: [OFFICE], exemptBreakGlassOwners: false, confirmedLockout: true },
    });
  });

  it("ranges that include the owner's address need no confirmation; the operator CLI is never asked", async () => {
    const { workspace, owner } = await makeWorkspace(t.db);
    await setIpAllowlist(t.db, workspace.id, input([OFFICE]), memberActor(owner.id, "owner", "203.0.113.77"));
    await setIpAllowlist(t.db, workspace.id, input(["198.51.100.0/24"]), OPERATOR);
    expect((await getIpAllowlist(t.db, workspace.id)).ranges).toEqual(["198.51.100.0/24"]);
    await clearIpAllowlist(t.db, workspace.id, OPERATOR);
    expect(await getIpAllowlist(t.db, workspace.id)).toMatchObject({ ranges: [], updatedAt: null });
  });
});

describe("break-glass owners (explicit toggle, off by default)", () => {
  it("a break-glass owner is refused outside the ranges until the toggle is on; other break-glass members never are exempt", async () => {
    const { workspace, owner } = await makeWorkspace(t.db);
    const { user: admin, membership: adminM } = await addMember(t.db, workspace.id, { role: "admin" });
    await t.db.update(memberships).set({ breakGlass: true }).where(eq(memberships.id, adminM.id));
    await t.db
      .update(memberships)
      .set({ breakGlass: true })
      .where(and(eq(memberships.workspaceId, workspace.id), eq(memberships.userId, owner.id)));

    await setIpAllowlist(t.db, workspace.id, input([OFFICE]), OPERATOR);
    expect(await checkWorkspaceIp(t.db, workspace.id, owner.id, HOME)).toMatchObject({ allowed: false, address: HOME });

    await setIpAllowlist(t.db, workspace.id, input([OFFICE], { exemptBreakGlassOwners: true }), OPERATOR);
    expect(await checkWorkspaceIp(t.db, workspace.id, owner.id, HOME)).toEqual({ allowed: true });
    expect((await checkWorkspaceIp(t.db, workspace.id, admin.id, HOME)).allowed).toBe(false);
    // An API key is not a person: never exempt.
    expect((await checkWorkspaceIp(t.db, workspace.id, null, HOME)).allowed).toBe(false);
    // With the exemption on, the break-glass owner saving from home is not locking themselves out: no confirmation.
    await setIpAllowlist(
      t.db,
      workspace.id,
      input(["198.51.100.0/24"], { exemptBreakGlassOwners: true }),
      memberActor(owner.id, "owner", HOME),
    );
    expect((await getIpAllowlist(t.db, workspace.id)).ranges).toEqual(["198.51.100.0/24"]);
  });
});

describe("several workspaces: the allowlist restricts its own workspace only", () => {
  it("a member of a restricted and an open workspace may sign in from outside; only the restricted one refuses them", async () => {
    const { workspace: restricted } = await makeWorkspace(t.db);
    const { workspace: open } = await makeWorkspace(t.db);
    const { user } = await addMember(t.db, restricted.id, { role: "editor" });
    await setIpAllowlist(t.db, restricted.id, input([OFFICE]), OPERATOR);

    // Only the restricted workspace: the sign-in itself is refused.
    expect(await codeOf(assertPasswordSignInIpAllowed(t.db, user.id, HOME))).toBe("IP_NOT_ALLOWED");
    expect(await codeOf(assertPasswordSignInIpAllowed(t.db, user.id, "203.0.113.9"))).toBeNull();

    await t.db.insert(memberships).values({ workspaceId: open.id, userId: user.id, role: "viewer", status: "active" });
    expect(await codeOf(assertPasswordSignInIpAllowed(t.db, user.id, HOME))).toBeNull();
    expect((await checkWorkspaceIp(t.db, restricted.id, user.id, HOME)).allowed).toBe(false);
    expect((await checkWorkspaceIp(t.db, open.id, user.id, HOME)).allowed).toBe(true);
    // The console's landing page picks the workspace they can reach from here.
    expect((await firstReachableWorkspace(t.db, [restricted, open], user.id, HOME))?.id).toBe(open.id);
    expect((await firstReachableWorkspace(t.db, [restricted, open], user.id, "203.0.113.9"))?.id).toBe(restricted.id);
    expect(await firstReachableWorkspace(t.db, [restricted], user.id, HOME)).toBeNull();
  });
});
