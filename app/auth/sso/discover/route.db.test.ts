import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { domains, rateLimits } from "@/db/schema";
import { useDbForTests } from "@/server/bootstrap";
import { REMOTE_ADDR_HEADER } from "@/lib/http/client-ip";
import { DISCOVERY_RATE_LIMIT, discoveryRateLimitKey } from "@/lib/services/discovery";
import { addDomain, routeDomain } from "@/lib/services/domains";
import { makeConnection, makeWorkspace, uniq } from "@/lib/testing/fixtures";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { POST } from "@/app/auth/sso/discover/route";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
  useDbForTests(t.db);
});
afterAll(async () => {
  await t.close();
});

const actor = {};
let ipCounter = 0;
const freshIp = () => `10.77.${Math.floor(++ipCounter / 250)}.${ipCounter % 250}`;

function discover(body: unknown, ip = freshIp()) {
  return POST(
    new Request("http://localhost:3999/auth/sso/discover", {
      method: "POST",
      headers: { "content-type": "application/json", [REMOTE_ADDR_HEADER]: ip },
      body: typeof body === "string" ? body : JSON.stringify(body),
    }),
  );
}

/** A domain row in the given state, set directly (the verification path is covered in domains.db.test.ts). */
async function domainInState(workspaceId: string, status: "pending" | "verified" | "failing", connectionId: string | null) {
  const name = `${status}-${uniq()}.example.org`;
  const d = await addDomain(t.db, workspaceId, name, actor);
  await t.db.update(domains).set({ status, connectionId }).where(eq(domains.id, d.id));
  return name;
}

async function snapshot(res: Response) {
  const headers = [...res.headers.entries()].filter(([k]) => k !== "date").sort();
  return { status: res.status, headers, body: await res.text() };
}

describe("POST /auth/sso/discover", () => {
  it("a verified domain routed to an active connection → its login URL and name", async () => {
    const { workspace } = await makeWorkspace(t.db);
    const conn = await makeConnection(t.db, workspace.id, { name: "Acme Okta" });
    const name = await domainInState(workspace.id, "verified", null);
    const d = await addDomain(t.db, workspace.id, name, actor);
    await routeDomain(t.db, workspace.id, d.id, conn.id, actor);

    const res = await discover({ email: `Jane.Doe@${name.toUpperCase()}` });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toEqual({
      redirect: `http://localhost:3999/auth/sso/saml/${conn.slug}/login`,
      name: "Acme Okta",
      enforced: false,
    });

    const withReturn = await (await discover({ email: `jane@${name}`, return_to: "/w/acme/settings?x=1" })).json();
    expect(withReturn.redirect).toBe(
      `http://localhost:3999/auth/sso/saml/${conn.slug}/login?return_to=${encodeURIComponent("/w/acme/settings?x=1")}`,
    );
    for (const evil of ["//evil.example", "https://evil.example/", "/\\evil.example"]) {
      const body = await (await discover({ email: `jane@${name}`, return_to: evil })).json();
      expect(body.redirect).toBe(`http://localhost:3999/auth/sso/saml/${conn.slug}/login`);
    }
  });

  it("unknown, pending, failing, unrouted, inactive and unconfigured → byte-identical 404s", async () => {
    const { workspace } = await makeWorkspace(t.db);
    const active = await makeConnection(t.db, workspace.id);
    const inactive = await makeConnection(t.db, workspace.id, { active: false });
    const unconfigured = await makeConnection(t.db, workspace.id, { configured: false });
    const cases = {
      unknown: `nobody-${uniq()}.example.net`,
      pendingRouted: await domainInState(workspace.id, "pending", active.id),
      failingRouted: await domainInState(workspace.id, "failing", active.id),
      unrouted: await domainInState(workspace.id, "verified", null),
      inactive: await domainInState(workspace.id, "verified", inactive.id),
      unconfigured: await domainInState(workspace.id, "verified", unconfigured.id),
    };
    const results = [];
    for (const domain of Object.values(cases)) results.push(await snapshot(await discover({ email: `jane@${domain}` })));
    results.push(await snapshot(await discover({ email: "not-an-email" })));
    results.push(await snapshot(await discover({ email: "jane@localhost" })));
    expect(results[0]!.status).toBe(404);
    expect(JSON.parse(results[0]!.body).error.code).toBe("NOT_FOUND");
    for (const r of results) expect(r).toEqual(results[0]);
  });

  it("every case takes the same path: exactly one rate-limit hit per request", async () => {
    const { workspace } = await makeWorkspace(t.db);
    const conn = await makeConnection(t.db, workspace.id);
    const routed = await domainInState(workspace.id, "verified", conn.id);
    for (const email of [`a@${routed}`, `a@unknown-${uniq()}.example`, "garbage"]) {
      const ip = freshIp();
      await discover({ email }, ip);
      const [row] = await t.db
        .select()
        .from(rateLimits)
        .where(eq(rateLimits.key, discoveryRateLimitKey(ip)));
      expect(row?.count).toBe(1);
    }
  });

  it("rate-limits per IP with 429 and Retry-After; other IPs are unaffected", async () => {
    const ip = freshIp();
    for (let i = 0; i < DISCOVERY_RATE_LIMIT.limit; i++) {
      expect((await discover({ email: `x${i}@scan-${i}.example` }, ip)).status).toBe(404);
    }
    const limited = await discover({ email: "x@scan.example" }, ip);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await limited.json()).error.code).toBe("RATE_LIMITED");
    expect((await discover({ email: "x@scan.example" }, freshIp())).status).toBe(404);
  });

  it("rejects a body that is not JSON or has no email", async () => {
    expect((await discover("{not json")).status).toBe(400);
    const res = await discover({});
    expect(res.status).toBe(422);
    expect((await res.json()).error.code).toBe("VALIDATION_FAILED");
  });
});
