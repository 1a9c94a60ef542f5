import NextAuth, { type AuthOptions } from "next-auth";
import { decode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApplication } from "@/lib/services/applications";
import { uniq as uniqueSuffix } from "@/lib/testing/fixtures";
import { routeDomain, signInWithSso, startOidcServer, HttpBrowser, type OidcServer } from "@/lib/testing/oidc-kit";
import { makeSamlKit } from "@/lib/testing/saml-kit";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";

/**
 * next-auth (v4, the version this repository runs; its OAuth client is openid-client v5) as the
 * relying party, configured exactly as README "Connect your app" says, driven through its API route
 * handler (pages router signature, as Next's API layer calls it): sign-in redirect, Gatehouse,
 * callback, and the session it keeps.
 */
const RP = "http://localhost:3999"; // NEXTAUTH_URL of this test process (APP_URL)
const SECRET = "next-auth-test-secret-0123456789abcdef";

let t: TestDb;
let op: OidcServer;
beforeAll(async () => {
  t = await createTestDb();
  op = await startOidcServer(t.db);
});
afterAll(async () => {
  await op.close();
  await t.close();
});

function readmeConfig(issuer: string, clientId: string, clientSecret: string): AuthOptions {
  return {
    secret: SECRET,
    providers: [
      {
        id: "gatehouse",
        name: "Gatehouse",
        type: "oauth",
        wellKnown: `${issuer}/.well-known/openid-configuration`,
        clientId,
        clientSecret,
        authorization: { params: { scope: "openid email profile organization groups" } },
        idToken: true,
        checks: ["pkce", "state"],
        profile(profile) {
          return { id: profile.sub, email: profile.email, name: profile.name };
        },
      },
    ],
    callbacks: {
      async jwt({ token, profile }) {
        const p = profile as Record<string, unknown> | undefined;
        if (p) Object.assign(token, { org_id: p.org_id, org_slug: p.org_slug, role: p.role });
        return token;
      },
    },
  };
}

type Result = { status: number; location: string | null; body: unknown };

/** Next's API layer, as thin as it is: query with the [...nextauth] segments, parsed form body, cookies; res helpers. */
async function callNextAuth(
  options: AuthOptions,
  jar: Map<string, string>,
  url: string,
  method = "GET",
  form?: Record<string, string>,
): Promise<Result> {
  const u = new URL(url);
  const headers = new Map<string, string | string[]>();
  const out: Result = { status: 200, location: null, body: undefined };
  const req = {
    method,
    query: { ...Object.fromEntries(u.searchParams), nextauth: u.pathname.replace(/^\/api\/auth\//, "").split("/") },
    body: form ?? {},
    cookies: Object.fromEntries(jar),
    headers: { host: u.host, ...(form ? { "content-type": "application/x-www-form-urlencoded" } : {}) },
  };
  const res = {
    status(code: number) {
      out.status = code;
      return res;
    },
    setHeader(k: string, v: string | string[]) {
      headers.set(k.toLowerCase(), v);
      return res;
    },
    getHeader: (k: string) => headers.get(k.toLowerCase()),
    end: () => undefined,
    json: (b: unknown) => void (out.body = b),
    send: (b: unknown) => void (out.body = b),
  };
  await (NextAuth as unknown as (req: unknown, res: unknown, o: AuthOptions) => Promise<void>)(req, res, options);
  out.location = (headers.get("location") as string | undefined) ?? null;
  const setCookies = headers.get("set-cookie");
  for (const line of Array.isArray(setCookies) ? setCookies : setCookies ? [setCookies] : []) {
    const [pair] = line.split(";");
    const i = pair!.indexOf("=");
    jar.set(pair!.slice(0, i), decodeURIComponent(pair!.slice(i + 1)));
  }
  return out;
}

describe("next-auth v4 as the relying party, configured as in the README", () => {
  it("signs in with PKCE and state, and keeps the organization and role from the ID token", async () => {
    const kit = await makeSamlKit(t.db, { defaultRole: "admin" });
    const domain = `na-${uniqueSuffix()}.test`;
    await routeDomain(t.db, kit.workspace.id, domain, kit.connection.id);
    const { application, clientSecret } = await createApplication(t.db, {
      name: "next-auth app",
      redirectUris: [`${RP}/api/auth/callback/gatehouse`],
    });
    const options = readmeConfig(op.issuer, application.clientId, clientSecret);
    const jar = new Map<string, string>();

    const csrf = await callNextAuth(options, jar, `${RP}/api/auth/csrf`);
    const csrfToken = (csrf.body as { csrfToken: string }).csrfToken;
    // signIn("gatehouse", undefined, { organization, login_hint }): extra authorization parameters in the query.
    const email = `na-${uniqueSuffix()}@${domain}`;
    const signin = await callNextAuth(
      options,
      jar,
      `${RP}/api/auth/signin/gatehouse?organization=${kit.workspace.slug}&login_hint=${encodeURIComponent(email)}`,
      "POST",
      { csrfToken, callbackUrl: `${RP}/` },
    );
    const authorization = new URL(signin.location!);
    expect(authorization.toString().startsWith(`${op.issuer}/auth?`)).toBe(true);
    expect(authorization.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authorization.searchParams.get("organization")).toBe(kit.workspace.slug);

    const browser = new HttpBrowser(op.url);
    const first = await browser.navigate(authorization.toString());
    const returnTo = new URL(first.location!).searchParams.get("return_to")!;
    await signInWithSso(t.db, browser, kit, { email, returnTo });
    const callback = (await browser.navigate(`${op.url}${returnTo}`)).location!;
    expect(callback.startsWith(`${RP}/api/auth/callback/gatehouse?`)).toBe(true);

    const done = await callNextAuth(options, jar, callback);
    expect(done.location).toBe(`${RP}/`);
    const session = await decode({ token: jar.get("next-auth.session-token")!, secret: SECRET });
    expect(session).toMatchObject({ email, org_id: kit.workspace.id, org_slug: kit.workspace.slug, role: "admin" });
  });
});
