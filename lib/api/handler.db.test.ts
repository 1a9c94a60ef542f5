import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { rateLimits, idempotencyKeys } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { useDbForTests } from "@/server/bootstrap";
import { createApiKey, revokeApiKey } from "@/lib/services/api-keys";
import { hashIdempotentRequest } from "@/lib/services/idempotency";
import { makeApiWorkspace } from "@/lib/testing/fixtures";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { API_RATE_LIMIT, apiRateLimitKey, apiRoute } from "./handler";
import { OPERATOR } from "@/lib/services/actor";

let t: TestDb;
let key: string;
let keyId: string;
let workspaceId: string;

beforeAll(async () => {
  t = await createTestDb();
  useDbForTests(t.db);
  ({ id: workspaceId, key, keyId } = await makeApiWorkspace(t.db, { slug: "handler-ws" }));
});
afterAll(async () => {
  await t.close();
});

function req(method: string, path: string, opts: { key?: string | null; body?: string; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.key !== null) headers.authorization = `Bearer ${opts.key ?? key}`;
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  return new Request(`http://localhost:3999${path}`, { method, headers, body: opts.body });
}

const echo = apiRoute(
  {
    minRole: "viewer",
    body: z.object({ name: z.string().min(2), nested: z.object({ n: z.number().int() }).optional() }),
    idempotent: true,
  },
  async (ctx) => ({
    data: { name: ctx.body.name, workspace: ctx.workspace.slug, apiKey: ctx.apiKey.name, at: Math.random() },
    status: 201,
  }),
);

describe("apiRoute", () => {
  it("wraps success in the envelope with a request ID header and meta", async () => {
    const GET = apiRoute({ minRole: "viewer" }, async (ctx) => ({ data: { workspace: ctx.workspace.id, actor: ctx.actor } }));
    const res = await GET(req("GET", "/api/v1/x"));
    expect(res.status).toBe(200);
    const rid = res.headers.get("x-request-id");
    expect(rid).toMatch(/^req_[0-9a-f]{24}$/);
    const body = await res.json();
    expect(body.data.workspace).toBe(workspaceId);
    expect(body.data.actor.apiKeyId).toBe(keyId);
    expect(body.meta.request_id).toBe(rid);
    expect(new Date(body.meta.timestamp).toString()).not.toBe("Invalid Date");
    expect(body.meta).not.toHaveProperty("next_cursor");
  });

  it("keeps a sane incoming X-Request-Id and replaces an insane one", async () => {
    const GET = apiRoute({ minRole: "viewer" }, async () => ({ data: 1 }));
    const ok = await GET(req("GET", "/x", { headers: { "x-request-id": "trace-1234abcd" } }));
    expect(ok.headers.get("x-request-id")).toBe("trace-1234abcd");
    const bad = await GET(req("GET", "/x", { headers: { "x-request-id": "<script>alert(1)</script>" } }));
    expect(bad.headers.get("x-request-id")).toMatch(/^req_/);
  });

  it("adds next_cursor for lists", async () => {
    const GET = apiRoute({ minRole: "viewer", query: z.object({ limit: z.coerce.number().int().max(10).default(5) }) }, async (ctx) => ({
      data: [ctx.query.limit],
      nextCursor: null,
    }));
    const body = await (await GET(req("GET", "/x?limit=3"))).json();
    expect(body.data).toEqual([3]);
    expect(body.meta.next_cursor).toBeNull();
    const bad = await GET(req("GET", "/x?limit=99"));
    expect(bad.status).toBe(422);
    expect((await bad.json()).error.fields[0].path).toBe("limit");
  });

  it("401 INVALID_API_KEY for missing, malformed, unknown and revoked keys", async () => {
    const GET = apiRoute({ minRole: "viewer" }, async () => ({ data: 1 }));
    for (const r of [
      req("GET", "/x", { key: null }),
      req("GET", "/x", { key: "nope" }),
      req("GET", "/x", { key: "gh_live_" + "A".repeat(43) }),
      new Request("http://localhost:3999/x", { headers: { authorization: `Basic ${key}` } }),
    ]) {
      const res = await GET(r);
      expect(res.status).toBe(401);
      expect(res.headers.get("x-request-id")).toBeTruthy();
      expect((await res.json()).error.code).toBe("INVALID_API_KEY");
    }
    const other = await createApiKey(t.db, workspaceId, { name: "to revoke" }, OPERATOR);
    expect((await GET(req("GET", "/x", { key: other.secret }))).status).toBe(200);
    await revokeApiKey(t.db, workspaceId, other.apiKey.id, {});
    const res = await GET(req("GET", "/x", { key: other.secret }));
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe("INVALID_API_KEY");
  });

  it("422 VALIDATION_FAILED with field paths; 400 BAD_REQUEST for malformed JSON", async () => {
    const res = await echo(req("POST", "/x", { body: JSON.stringify({ name: "a", nested: { n: 1.5 } }) }));
    expect(res.status).toBe(422);
    const body = await res.json();
    expect(body.error.code).toBe("VALIDATION_FAILED");
    expect(body.error.fields.map((f: { path: string }) => f.path).sort()).toEqual(["name", "nested.n"]);
    const empty = await echo(req("POST", "/x", { body: "" }));
    expect(empty.status).toBe(422);
    expect((await empty.json()).error.fields[0].path).toBe("name");
    const malformed = await echo(req("POST", "/x", { body: "{nope" }));
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).error.code).toBe("BAD_REQUEST");
  });

  it("maps AppError to its status/code/hint and other errors to a generic 500", async () => {
    const conflict = apiRoute({ minRole: "viewer" }, async () => {
      throw new AppError("SLUG_TAKEN", { fields: [{ path: "slug", message: "Already taken" }], detail: { slug: "okta" } });
    });
    const res = await conflict(req("GET", "/x"));
    expect(res.status).toBe(409);
    const body = await res.json();
    expect(body.error).toMatchObject({
      code: "SLUG_TAKEN",
      fields: [{ path: "slug", message: "Already taken" }],
      detail: { slug: "okta" },
    });
    expect(body.error.hint).toBeTruthy();

    // A service names fields the operation's way (camelCase); the API answers with its own (snake_case) paths.
    const invalid = apiRoute({ minRole: "viewer" }, async () => {
      throw new AppError("SAML_METADATA_INVALID", {
        fields: [
          { path: "manual.certificatePem", message: "Not a certificate" },
          { path: "rules.0.role", message: "Not a role" },
        ],
      });
    });
    const fields = (await (await invalid(req("GET", "/x"))).json()).error.fields;
    expect(fields).toEqual([
      { path: "manual.certificate_pem", message: "Not a certificate" },
      { path: "rules.0.role", message: "Not a role" },
    ]);

    const boom = apiRoute({ minRole: "viewer" }, async () => {
      throw new Error("connection string postgres://secret@db leaked");
    });
    const r500 = await boom(req("GET", "/x"));
    expect(r500.status).toBe(500);
    const text = await r500.text();
    expect(text).not.toContain("secret");
    expect(text).not.toContain("postgres://");
    expect(JSON.parse(text).error.code).toBe("INTERNAL");
  });

  it("404 NOT_FOUND when path params fail their schema", async () => {
    const GET = apiRoute({ minRole: "viewer", params: z.object({ id: z.uuid() }) }, async (ctx) => ({ data: ctx.params.id }));
    const res = await GET(req("GET", "/x/abc"), { params: Promise.resolve({ id: "abc" }) });
    expect(res.status).toBe(404);
    const id = "6f1f5f8e-1b2c-4d3e-8f9a-0b1c2d3e4f5a";
    const ok = await GET(req("GET", `/x/${id}`), { params: Promise.resolve({ id }) });
    expect((await ok.json()).data).toBe(id);
  });

  it("429 RATE_LIMITED with Retry-After once the per-key window is full", async () => {
    const limited = await createApiKey(t.db, workspaceId, { name: "busy" }, OPERATOR);
    await t.db.insert(rateLimits).values({ key: apiRateLimitKey(limited.apiKey.id), windowStart: new Date(), count: API_RATE_LIMIT.limit });
    const GET = apiRoute({ minRole: "viewer" }, async () => ({ data: 1 }));
    const res = await GET(req("GET", "/x", { key: limited.secret }));
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(res.headers.get("x-request-id")).toBeTruthy();
    expect((await res.json()).error.code).toBe("RATE_LIMITED");
    // Another key is not affected.
    expect((await GET(req("GET", "/x"))).status).toBe(200);
  });

  it("Idempotency-Key: a retry returns the first result; a different body is 422; in flight is 409", async () => {
    const h = { "idempotency-key": "create-1" };
    const first = await echo(req("POST", "/api/v1/things", { body: JSON.stringify({ name: "one" }), headers: h }));
    expect(first.status).toBe(201);
    const firstBody = await first.json();
    const again = await echo(req("POST", "/api/v1/things", { body: JSON.stringify({ name: "one" }), headers: h }));
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await again.json()).toEqual(firstBody);

    const reused = await echo(req("POST", "/api/v1/things", { body: JSON.stringify({ name: "two" }), headers: h }));
    expect(reused.status).toBe(422);
    expect((await reused.json()).error.code).toBe("IDEMPOTENCY_KEY_REUSED");

    // Without the header every POST runs.
    const a = await (await echo(req("POST", "/api/v1/things", { body: JSON.stringify({ name: "one" }) }))).json();
    const b = await (await echo(req("POST", "/api/v1/things", { body: JSON.stringify({ name: "one" }) }))).json();
    expect(a.data.at).not.toBe(b.data.at);

    // A claim without a result (first request still running) → 409.
    const requestHash = hashIdempotentRequest("POST", "/api/v1/things", { name: "one" });
    await t.db.insert(idempotencyKeys).values({ apiKeyId: keyId, key: "in-flight", requestHash });
    const busy = await echo(
      req("POST", "/api/v1/things", { body: JSON.stringify({ name: "one" }), headers: { "idempotency-key": "in-flight" } }),
    );
    expect(busy.status).toBe(409);
    expect((await busy.json()).error.code).toBe("IDEMPOTENCY_IN_PROGRESS");
  });

  it("concurrent duplicates: exactly one runs, the others replay or see IDEMPOTENCY_IN_PROGRESS", async () => {
    let runs = 0;
    const slow = apiRoute({ minRole: "viewer", body: z.object({ n: z.number() }), idempotent: true }, async () => {
      runs++;
      await new Promise((r) => setTimeout(r, 150));
      return { data: { runs }, status: 201 };
    });
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        slow(req("POST", "/api/v1/slow", { body: JSON.stringify({ n: 1 }), headers: { "idempotency-key": "race-1" } })),
      ),
    );
    expect(runs).toBe(1);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(1);
    for (const s of statuses) expect([201, 409]).toContain(s);
    for (const r of results.filter((x) => x.status === 409)) expect((await r.json()).error.code).toBe("IDEMPOTENCY_IN_PROGRESS");
  });

  it("stores 4xx results for replay but not 5xx", async () => {
    let calls = 0;
    const flaky = apiRoute({ minRole: "viewer", body: z.object({ n: z.number() }), idempotent: true }, async () => {
      calls++;
      if (calls === 1) throw new Error("transient");
      if (calls === 2) throw new AppError("CONFLICT");
      return { data: calls };
    });
    const mk = () => req("POST", "/api/v1/flaky", { body: JSON.stringify({ n: 1 }), headers: { "idempotency-key": "flaky-1" } });
    expect((await flaky(mk())).status).toBe(500);
    expect((await flaky(mk())).status).toBe(409);
    const third = await flaky(mk());
    expect(third.status).toBe(409);
    expect(third.headers.get("idempotent-replayed")).toBe("true");
    expect(calls).toBe(2);
  });
});
