import { createRequire } from "node:module";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, domains, linkedIdentities, memberships } from "@/db/schema";
import { authOptions } from "@/lib/auth/options";
import { ssoRequiredResponse } from "@/lib/auth/sso-required-response";
import { useDbForTests } from "@/server/bootstrap";
import { insertConnection, makeWorkspace, uniqueSuffix } from "@/lib/testing/domain-fixtures";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { addDomain } from "./domains";
import { signInWithPassword } from "./password-sign-in";
import { getEnforcement, previewEnforcement, setBreakGlass, setEnforcement } from "./sso-enforcement";
import { findOrCreateUser } from "./users";
import { hashPassword } from "@/lib/auth/password";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
  useDbForTests(t.db);
});
afterAll(async () => {
  await t.close();
});

const PASSWORD = "correct-horse-battery";
let ipN = 0;
const signIn = (email: string, password = PASSWORD) => signInWithPassword(t.db, { email, password, ip: `10.55.0.${++ipN % 250}` });

async function verifiedDomain(workspaceId: string, status: "verified" | "failing" | "pending" = "verified") {
  const name = `corp-${uniqueSuffix()}.example.com`;
  const d = await addDomain(t.db, workspaceId, name, {});
  await t.db.update(domains).set({ status }).where(eq(domains.id, d.id));
  return name;
}

async function addMember(
  workspaceId: string,
  email: string,
  opts: { source?: "password" | "sso"; role?: "owner" | "admin" | "viewer" } = {},
) {
  const { user } = await findOrCreateUser(t.db, { email, passwordHash: await hashPassword(PASSWORD) });
  const [m] = await t.db
    .insert(memberships)
    .values({ workspaceId, userId: user.id, role: opts.role ?? "viewer", source: opts.source ?? "password", status: "active" })
    .returning();
  return { user, membership: m! };
}

describe("enforcement modes", () => {
  it("off: everyone may use a password", async () => {
    const { workspace } = await makeWorkspace(t.db);
    const domain = await verifiedDomain(workspace.id);
    await addMember(workspace.id, `a@${domain}`, { source: "sso" });
    await expect(signIn(`a@${domain}`)).resolves.toMatchObject({ email: `a@${domain}` });
  });

  it("sso_provisioned_users: members provisioned by SSO are refused; password members and break-glass are not", async () => {
    const { workspace } = await makeWorkspace(t.db);
    await insertConnection(t.db, workspace.id);
    const s = uniqueSuffix();
    const sso = await addMember(workspace.id, `sso-${s}@mixed.example`, { source: "sso" });
    await addMember(workspace.id, `pw-${s}@mixed.example`, { source: "password" });
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
    const conn = await insertConnection(t.db, workspace.id);
    const verified = await verifiedDomain(workspace.id);
    await t.db.update(domains).set({ connectionId: conn.id }).where(eq(domains.domain, verified));
    const failing = await verifiedDomain(workspace.id, "failing");
    const pending = await verifiedDomain(workspace.id, "pending");
    const member = await addMember(workspace.id, `member@${verified}`);
    const other = await makeWorkspace(t.db);
    await addMember(other.workspace.id, `outsider@${verified}`);
    await addMember(workspace.id, `f@${failing}`);
    await addMember(workspace.id, `p@${pending}`);
    await addMember(workspace.id, `elsewhere-${uniqueSuffix()}@gmail.example`);

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
    const m = await addMember(a.workspace.id, `x-${uniqueSuffix()}@bg.example`);
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
    const s = uniqueSuffix();
    const domain = `own-${s}.example.com`;
    const { workspace, owner } = await makeWorkspace(t.db, { ownerEmail: `boss@${domain}` });
    const conn = await insertConnection(t.db, workspace.id);
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
    await insertConnection(t.db, workspace.id);
    const domain = await verifiedDomain(workspace.id);
    const w = await previewEnforcement(t.db, workspace.id, "verified_domains", null);
    expect(w.find((x) => x.code === "UNROUTED_DOMAINS")?.detail).toEqual({ domains: [domain] });
    expect(await previewEnforcement(t.db, workspace.id, "off", null)).toEqual([]);
    const { workspace: empty } = await makeWorkspace(t.db);
    await insertConnection(t.db, empty.id);
    expect(await previewEnforcement(t.db, empty.id, "verified_domains", null)).toEqual([
      expect.objectContaining({ code: "NO_VERIFIED_DOMAINS", severity: "info" }),
    ]);
  });
});

describe("the next-auth credentials endpoint (POST /api/auth/callback/password)", () => {
  // next-auth's own request handler (the one its Next route adapter calls), on our real options.
  const nextAuthCore = createRequire(import.meta.url)(path.join(process.cwd(), "node_modules/next-auth/core/index.js")) as {
    AuthHandler: (p: { req: Record<string, unknown>; options: unknown }) => Promise<{
      status?: number;
      redirect?: string;
      body?: unknown;
      cookies?: { name: string; value: string }[];
      headers?: { key: string; value: string }[];
    }>;
  };

  async function postCredentials(email: string, password: string) {
    const options = authOptions();
    const base = { query: {}, headers: { host: "localhost:3999" }, cookies: {} as Record<string, string> };
    const csrf = await nextAuthCore.AuthHandler({ req: { ...base, method: "GET", action: "csrf" }, options });
    const cookies = Object.fromEntries((csrf.cookies ?? []).map((c) => [c.name, c.value]));
    const token = (csrf.body as { csrfToken: string }).csrfToken;
    const internal = await nextAuthCore.AuthHandler({
      req: {
        ...base,
        cookies,
        method: "POST",
        action: "callback",
        providerId: "password",
        body: { email, password, csrfToken: token, json: "true" },
      },
      options,
    });
    // As next-auth's Next adapter does in JSON mode: { url: <redirect> } with the internal status.
    const res = new Response(JSON.stringify({ url: internal.redirect }), {
      status: internal.status ?? 200,
      headers: { "content-type": "application/json" },
    });
    return (await ssoRequiredResponse(res)) ?? res;
  }

  it("answers 403 SSO_REQUIRED JSON for an enforced user, and signs others in", async () => {
    const { workspace } = await makeWorkspace(t.db);
    await insertConnection(t.db, workspace.id);
    const s = uniqueSuffix();
    await addMember(workspace.id, `sso-${s}@cred.example`, { source: "sso" });
    await addMember(workspace.id, `pw-${s}@cred.example`, { source: "password" });
    await setEnforcement(t.db, workspace.id, "sso_provisioned_users", {}, { confirm: true });

    const refused = await postCredentials(`sso-${s}@cred.example`, PASSWORD);
    expect(refused.status).toBe(403);
    const body = await refused.json();
    expect(body.error.code).toBe("SSO_REQUIRED");
    expect(body.error.hint).toBeTruthy();
    expect(new URL(body.url).searchParams.get("error")).toBe("SSO_REQUIRED");

    const wrong = await postCredentials(`sso-${s}@cred.example`, "not-the-password");
    expect(wrong.status).toBe(401);
    expect(new URL((await wrong.json()).url).searchParams.get("error")).toBe("INVALID_CREDENTIALS");

    const ok = await postCredentials(`pw-${s}@cred.example`, PASSWORD);
    expect(ok.status).toBe(200);
  });

  it("converts a redirect-mode refusal too, keeping next-auth's cookies", async () => {
    const res = new Response(null, {
      status: 302,
      headers: { location: "http://localhost:3999/api/auth/error?error=SSO_REQUIRED", "set-cookie": "a=b; Path=/" },
    });
    const out = (await ssoRequiredResponse(res))!;
    expect(out.status).toBe(403);
    expect(out.headers.get("location")).toBeNull();
    expect(out.headers.get("set-cookie")).toContain("a=b");
    expect((await out.json()).error.code).toBe("SSO_REQUIRED");
    expect(
      await ssoRequiredResponse(new Response(null, { status: 302, headers: { location: "/api/auth/error?error=INVALID_CREDENTIALS" } })),
    ).toBeNull();
  });
});
