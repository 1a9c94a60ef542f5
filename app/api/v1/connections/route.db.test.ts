import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as listRoute from "@/app/api/v1/connections/route";
import * as itemRoute from "@/app/api/v1/connections/[id]/route";
import * as refreshRoute from "@/app/api/v1/connections/[id]/metadata/refresh/route";
import * as spKeysRoute from "@/app/api/v1/connections/[id]/sp-keys/route";
import * as mappingsRoute from "@/app/api/v1/connections/[id]/role-mappings/route";
import { rateLimits } from "@/db/schema";
import { createDevIdp } from "@/lib/dev-idp";
import { useDbForTests } from "@/server/bootstrap";
import { revokeApiKey } from "@/lib/services/api-keys";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { API_RATE_LIMIT, apiRateLimitKey } from "@/lib/api/handler";
import { runAction, type ActionError } from "@/lib/http/action-result";
import { connectionCreateSchema } from "@/lib/schemas/connections";
import { OPERATOR } from "@/lib/services/actor";
import { createConnection } from "@/lib/services/connections";
import { assertNoSecrets, callRoute } from "@/lib/testing/api";
import { makeApiWorkspace, type ApiTestWorkspace } from "@/lib/testing/fixtures";

let t: TestDb;
let a: ApiTestWorkspace;
let b: ApiTestWorkspace;
let server: Server;
let metadataUrl: string;
const idp = createDevIdp({ entityId: "https://idp.example.test/entity" });
const manual = { entity_id: idp.entityId, sso_url: "https://idp.example.test/sso", certificate_pem: idp.certificatePem };

beforeAll(async () => {
  t = await createTestDb();
  useDbForTests(t.db);
  a = await makeApiWorkspace(t.db, { slug: "conn-a" });
  b = await makeApiWorkspace(t.db, { slug: "conn-b" });
  server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/samlmetadata+xml" });
    res.end(idp.metadataXml("https://idp.example.test/sso"));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  metadataUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metadata.xml`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await t.close();
});

const create = (w: ApiTestWorkspace, body: unknown, headers?: Record<string, string>) =>
  callRoute(listRoute.POST, "POST", "/api/v1/connections", w.key, { body, headers });
const item = (method: "GET" | "PATCH" | "DELETE", w: ApiTestWorkspace, id: string, body?: unknown) =>
  callRoute(itemRoute[method], method, `/api/v1/connections/${id}`, w.key, { body, params: { id } });

describe("/api/v1/connections", () => {
  it("401 INVALID_API_KEY for a missing, invalid or revoked key (with X-Request-Id)", async () => {
    for (const key of [null, "gh_live_not-a-real-key-at-all-0000000000000000000", "Basic abc"]) {
      const r = await callRoute(listRoute.GET, "GET", "/api/v1/connections", key);
      expect(r.status).toBe(401);
      expect(r.json.error.code).toBe("INVALID_API_KEY");
      expect(r.headers.get("x-request-id")).toBe(r.json.meta.request_id);
    }
    const temp = await makeApiWorkspace(t.db, { slug: "conn-revoked" });
    expect((await callRoute(listRoute.GET, "GET", "/api/v1/connections", temp.key)).status).toBe(200);
    await revokeApiKey(t.db, temp.id, temp.keyId, {});
    const r = await callRoute(listRoute.GET, "GET", "/api/v1/connections", temp.key);
    expect(r.status).toBe(401);
    expect(r.json.error.code).toBe("INVALID_API_KEY");
  });

  it("creates a connection (201) with SP values, and never serialises private keys", async () => {
    const r = await create(a, { name: "Okta", slug: "conn-a-okta", idp_type: "okta", default_role: "editor", manual });
    expect(r.status).toBe(201);
    expect(r.headers.get("x-request-id")).toMatch(/^req_/);
    expect(r.json.meta.request_id).toBe(r.headers.get("x-request-id"));
    const c = r.json.data;
    expect(c).toMatchObject({
      name: "Okta",
      slug: "conn-a-okta",
      idp_type: "okta",
      default_role: "editor",
      active: true,
      configured: true,
      version: 1,
    });
    expect(c.idp_entity_id).toBe(idp.entityId);
    expect(c.sp).toEqual({
      entity_id: "http://localhost:3999/auth/sso/saml/conn-a-okta",
      acs_url: "http://localhost:3999/auth/sso/saml/conn-a-okta/acs",
      metadata_url: "http://localhost:3999/auth/sso/saml/conn-a-okta/metadata",
      login_url: "http://localhost:3999/auth/sso/saml/conn-a-okta/login",
      slo_url: "http://localhost:3999/auth/sso/saml/conn-a-okta/slo",
    });
    assertNoSecrets(r.text, [a.key]);
  });

  it("accepts camelCase keys too, and 422 names invalid fields by their API path", async () => {
    const camel = await create(a, { name: "Camel", slug: "conn-a-camel", defaultRole: "admin", allowIdpInitiated: true });
    expect(camel.status).toBe(201);
    expect(camel.json.data).toMatchObject({ default_role: "admin", allow_idp_initiated: true, configured: false });

    const bad = await create(a, {
      name: "",
      slug: "Bad Slug!",
      default_role: "owner",
      manual: { entity_id: "x", sso_url: "not a url", certificate_pem: "x" },
    });
    expect(bad.status).toBe(422);
    expect(bad.json.error.code).toBe("VALIDATION_FAILED");
    const paths = bad.json.error.fields.map((f: { path: string }) => f.path);
    expect(paths).toEqual(expect.arrayContaining(["name", "slug", "default_role", "manual.sso_url"]));

    const garbageCert = await create(a, {
      name: "Bad cert",
      slug: "conn-a-badcert",
      manual: { ...manual, certificate_pem: "not a certificate" },
    });
    expect(garbageCert.status).toBe(422);
    expect(garbageCert.json.error.code).toBe("SAML_METADATA_INVALID");
    expect(garbageCert.json.error.fields[0].path).toBe("manual.certificate_pem");

    const malformed = await callRoute(listRoute.POST, "POST", "/api/v1/connections", a.key, { rawBody: '{"name":' });
    expect(malformed.status).toBe(400);
    expect(malformed.json.error.code).toBe("BAD_REQUEST");
  });

  it("409 SLUG_TAKEN for a slug used by any workspace", async () => {
    const r = await create(b, { name: "Clash", slug: "conn-a-okta" });
    expect(r.status).toBe(409);
    expect(r.json.error.code).toBe("SLUG_TAKEN");
    expect(r.json.error.fields).toEqual([expect.objectContaining({ path: "slug" })]);
  });

  it("Idempotency-Key: a retried POST returns the first result; another body with the key is 422", async () => {
    const h = { "idempotency-key": "create-conn-a-idem" };
    const first = await create(a, { name: "Idem", slug: "conn-a-idem" }, h);
    const again = await create(a, { name: "Idem", slug: "conn-a-idem" }, h);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.json).toEqual(first.json);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    const other = await create(a, { name: "Idem 2", slug: "conn-a-idem-2" }, h);
    expect(other.status).toBe(422);
    expect(other.json.error.code).toBe("IDEMPOTENCY_KEY_REUSED");
    const list = await callRoute(listRoute.GET, "GET", "/api/v1/connections", a.key);
    expect(list.json.data.filter((c: { slug: string }) => c.slug.startsWith("conn-a-idem"))).toHaveLength(1);
  });

  it("lists only the key's workspace, with meta.next_cursor", async () => {
    await create(b, { name: "B one", slug: "conn-b-one" });
    const la = await callRoute(listRoute.GET, "GET", "/api/v1/connections", a.key);
    expect(la.status).toBe(200);
    expect(la.json.meta.next_cursor).toBeNull();
    const slugs = la.json.data.map((c: { slug: string }) => c.slug);
    expect(slugs).toContain("conn-a-okta");
    expect(slugs).not.toContain("conn-b-one");
    for (const c of la.json.data) expect(c.workspace_id).toBe(a.id);
    assertNoSecrets(la.text);
  });

  it("GET/PATCH/DELETE another workspace's connection → 404; a non-UUID id → 404", async () => {
    const bc = (await callRoute(listRoute.GET, "GET", "/api/v1/connections", b.key)).json.data[0];
    expect((await item("GET", a, bc.id)).status).toBe(404);
    expect((await item("PATCH", a, bc.id, { version: bc.version, name: "Stolen" })).status).toBe(404);
    expect((await item("DELETE", a, bc.id)).json.error.code).toBe("NOT_FOUND");
    expect((await item("GET", b, bc.id)).json.data.name).toBe(bc.name);
    expect((await item("GET", a, "not-a-uuid")).status).toBe(404);
    for (const route of [refreshRoute.POST, spKeysRoute.GET, mappingsRoute.GET]) {
      const r = await callRoute(route, "GET", `/api/v1/connections/${bc.id}/x`, a.key, { params: { id: bc.id } });
      expect(r.status).toBe(404);
    }
  });

  it("PATCH needs the current version: stale → 409 VERSION_CONFLICT, missing → 422", async () => {
    const c = (await create(a, { name: "Patch me", slug: "conn-a-patch" })).json.data;
    const ok = await item("PATCH", a, c.id, { version: c.version, name: "Patched", active: false, jit_provisioning: false });
    expect(ok.status).toBe(200);
    expect(ok.json.data).toMatchObject({ name: "Patched", active: false, jit_provisioning: false, version: c.version + 1 });
    const stale = await item("PATCH", a, c.id, { version: c.version, name: "Stale" });
    expect(stale.status).toBe(409);
    expect(stale.json.error.code).toBe("VERSION_CONFLICT");
    const missing = await item("PATCH", a, c.id, { name: "No version" });
    expect(missing.status).toBe(422);
    expect(missing.json.error.fields.map((f: { path: string }) => f.path)).toContain("version");
    expect((await item("GET", a, c.id)).json.data.name).toBe("Patched");
  });

  it("DELETE removes the connection", async () => {
    const c = (await create(a, { name: "Delete me", slug: "conn-a-delete" })).json.data;
    const del = await item("DELETE", a, c.id);
    expect(del.status).toBe(200);
    expect(del.json.data).toEqual({ id: c.id, deleted: true });
    expect((await item("GET", a, c.id)).status).toBe(404);
  });

  it("POST metadata/refresh fetches the metadata URL; a manual connection → 409", async () => {
    const created = await create(a, { name: "By URL", slug: "conn-a-url", metadata_url: metadataUrl });
    expect(created.status).toBe(201);
    const c = created.json.data;
    expect(c).toMatchObject({ metadata_source: "url", metadata_url: metadataUrl, idp_entity_id: idp.entityId, configured: true });
    const r = await callRoute(refreshRoute.POST, "POST", `/api/v1/connections/${c.id}/metadata/refresh`, a.key, { params: { id: c.id } });
    expect(r.status).toBe(200);
    expect(r.json.data.metadata_fetched_at).toBeTruthy();
    expect(r.json.data.metadata_error).toBeNull();

    const okta = (await callRoute(listRoute.GET, "GET", "/api/v1/connections", a.key)).json.data.find(
      (x: { slug: string }) => x.slug === "conn-a-okta",
    );
    const manualRefresh = await callRoute(refreshRoute.POST, "POST", `/x`, a.key, { params: { id: okta.id } });
    expect(manualRefresh.status).toBe(409);
    expect(manualRefresh.json.error.code).toBe("CONFLICT");
  });

  it("SP keys: list, stage → activate → retire; only certificates are serialised", async () => {
    const c = (await create(a, { name: "Rotate", slug: "conn-a-rotate" })).json.data;
    const call = (method: "GET" | "POST", body?: unknown) =>
      callRoute(spKeysRoute[method], method, `/api/v1/connections/${c.id}/sp-keys`, a.key, { body, params: { id: c.id } });
    const list = await call("GET");
    expect(list.status).toBe(200);
    expect(list.json.data.map((k: { state: string }) => k.state)).toEqual(["active"]);
    expect(list.json.data[0].certificate_pem).toContain("BEGIN CERTIFICATE");

    const staged = await call("POST", { action: "stage" });
    expect(staged.status).toBe(200);
    expect(staged.json.data.map((k: { state: string }) => k.state).sort()).toEqual(["active", "next"]);
    expect((await call("POST", { action: "stage" })).json.error.code).toBe("CONFLICT");
    const activated = await call("POST", { action: "activate" });
    expect(activated.json.data.map((k: { state: string }) => k.state).sort()).toEqual(["active", "retired"]);
    const retired = await call("POST", { action: "retire" });
    expect(retired.status).toBe(200);
    expect(retired.json.data.find((k: { state: string }) => k.state === "retired").retired_at).toBeTruthy();
    const bad = await call("POST", { action: "explode" });
    expect(bad.status).toBe(422);
    expect(bad.json.error.fields[0].path).toBe("action");
    for (const r of [list, staged, activated, retired]) assertNoSecrets(r.text);
  });

  it("role mappings: PUT replaces the list, GET reads it; owner is refused with a field path", async () => {
    const c = (await create(a, { name: "Roles", slug: "conn-a-roles" })).json.data;
    const call = (method: "GET" | "PUT", body?: unknown) =>
      callRoute(mappingsRoute[method], method, `/api/v1/connections/${c.id}/role-mappings`, a.key, { body, params: { id: c.id } });
    expect((await call("GET")).json.data).toEqual([]);
    const put = await call("PUT", {
      rules: [
        { attribute: "groups", value: "admins", role: "admin" },
        { attribute: "groups", value: "eng", role: "editor" },
      ],
    });
    expect(put.status).toBe(200);
    expect(put.json.data.map((r: { value: string; role: string }) => [r.value, r.role])).toEqual([
      ["admins", "admin"],
      ["eng", "editor"],
    ]);
    expect((await call("GET")).json.data).toHaveLength(2);
    const bare = await call("PUT", [{ attribute: "appRole", value: "viewer", role: "viewer" }]);
    expect(bare.json.data).toHaveLength(1);
    const owner = await call("PUT", { rules: [{ attribute: "groups", value: "x", role: "owner" }] });
    expect(owner.status).toBe(422);
    expect(owner.json.error.fields[0].path).toBe("rules.0.role");
    expect((await call("GET")).json.data).toHaveLength(1);
  });

  it("role mappings are part of the connection's version: a PUT bumps it; a PUT with a stale version → 409 and nothing changes", async () => {
    const c = (await create(a, { name: "Versioned", slug: "conn-a-versioned" })).json.data;
    const call = (method: "GET" | "PUT", body?: unknown) =>
      callRoute(mappingsRoute[method], method, `/api/v1/connections/${c.id}/role-mappings`, a.key, { body, params: { id: c.id } });
    const rules = [{ attribute: "groups", value: "admins", role: "admin" }];
    expect((await call("PUT", { rules, version: c.version })).status).toBe(200);
    expect((await item("GET", a, c.id)).json.data.version).toBe(c.version + 1);
    const stale = await call("PUT", { rules: [], version: c.version });
    expect(stale.status).toBe(409);
    expect(stale.json.error.code).toBe("VERSION_CONFLICT");
    expect((await call("GET")).json.data).toHaveLength(1);
    // A PATCH made against the version read before the rules changed is stale too.
    expect((await item("PATCH", a, c.id, { version: c.version, name: "Stale" })).json.error.code).toBe("VERSION_CONFLICT");
  });

  it("the same invalid input: the REST API names fields snake_case, a console server action camelCase", async () => {
    const input = {
      name: "",
      slug: "conn-a-paths",
      defaultRedirect: "//evil.test",
      manual: { entityId: "urn:x", ssoUrl: "not a url", certificatePem: "x" },
    };
    const snake = {
      name: "",
      slug: "conn-a-paths",
      default_redirect: "//evil.test",
      manual: { entity_id: "urn:x", sso_url: "not a url", certificate_pem: "x" },
    };
    const fieldPaths = (r: { json: { error: { fields: { path: string }[] } } }) => r.json.error.fields.map((f) => f.path).sort();
    const api = await create(a, snake);
    expect(api.json.error.code).toBe("VALIDATION_FAILED");
    expect(fieldPaths(api)).toEqual(["default_redirect", "manual.sso_url", "name"]);
    // What createConnectionAction does with the same input (parse with the operation schema, call the service).
    const action = await runAction("test", async () => createConnection(t.db, a.id, connectionCreateSchema.parse(input), OPERATOR));
    expect(action).toMatchObject({ ok: false, code: "VALIDATION_FAILED" });
    expect(Object.keys((action as ActionError).fields ?? {}).sort()).toEqual(["defaultRedirect", "manual.ssoUrl", "name"]);

    // A field error raised by the service (not by the schema) is renamed the same way.
    const cert = {
      name: "Bad cert",
      slug: "conn-a-paths-cert",
      manual: { entityId: "urn:x", ssoUrl: "https://idp.test/sso", certificatePem: "x" },
    };
    const apiCert = await create(a, { ...cert, manual: { entity_id: "urn:x", sso_url: "https://idp.test/sso", certificate_pem: "x" } });
    expect(apiCert.json.error.code).toBe("SAML_METADATA_INVALID");
    expect(fieldPaths(apiCert)).toEqual(["manual.certificate_pem"]);
    const actionCert = await runAction("test", async () => createConnection(t.db, a.id, connectionCreateSchema.parse(cert), OPERATOR));
    expect(actionCert).toMatchObject({ ok: false, code: "SAML_METADATA_INVALID" });
    expect(Object.keys((actionCert as ActionError).fields ?? {})).toEqual(["manual.certificatePem"]);
  });

  it("429 RATE_LIMITED with Retry-After once the key's window is full", async () => {
    const busy = await makeApiWorkspace(t.db, { slug: "conn-busy" });
    await t.db.insert(rateLimits).values({ key: apiRateLimitKey(busy.keyId), windowStart: new Date(), count: API_RATE_LIMIT.limit });
    const r = await callRoute(listRoute.GET, "GET", "/api/v1/connections", busy.key);
    expect(r.status).toBe(429);
    expect(r.json.error.code).toBe("RATE_LIMITED");
    expect(Number(r.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(r.headers.get("x-request-id")).toBeTruthy();
  });
});
