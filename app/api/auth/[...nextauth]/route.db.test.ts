import { domains } from "@/db/schema";
import { createRequire } from "node:module";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authOptions } from "@/lib/auth/options";
import { ssoRequiredResponse } from "@/lib/auth/sso-required-response";
import { setEnforcement } from "@/lib/services/sso-enforcement";
import { addMember, makeConnection, makeWorkspace, uniq } from "@/lib/testing/fixtures";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { useDbForTests } from "@/server/bootstrap";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
  useDbForTests(t.db);
});
afterAll(async () => {
  await t.close();
});

const PASSWORD = "correct-horse-battery";

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
    const conn = await makeConnection(t.db, workspace.id);
    const s = uniq();
    const domain = `cred-${s}.example`;
    // Enforcement covers only domains verified and routed to a connection that can sign people in.
    await t.db
      .insert(domains)
      .values({ workspaceId: workspace.id, domain, verificationToken: "t", status: "verified", connectionId: conn.id });
    await addMember(t.db, workspace.id, { email: `sso-${s}@${domain}`, password: PASSWORD, source: "sso" });
    await addMember(t.db, workspace.id, { email: `pw-${s}@${domain}`, password: PASSWORD, source: "password" });
    await setEnforcement(t.db, workspace.id, "sso_provisioned_users", {}, { confirm: true });

    const refused = await postCredentials(`sso-${s}@${domain}`, PASSWORD);
    expect(refused.status).toBe(403);
    const body = await refused.json();
    expect(body.error.code).toBe("SSO_REQUIRED");
    expect(body.error.hint).toBeTruthy();
    expect(new URL(body.url).searchParams.get("error")).toBe("SSO_REQUIRED");

    const wrong = await postCredentials(`sso-${s}@${domain}`, "not-the-password");
    expect(wrong.status).toBe(401);
    expect(new URL((await wrong.json()).url).searchParams.get("error")).toBe("INVALID_CREDENTIALS");

    const ok = await postCredentials(`pw-${s}@${domain}`, PASSWORD);
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
