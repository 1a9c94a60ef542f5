import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as listRoute from "@/app/api/v1/connections/route";
import * as itemRoute from "@/app/api/v1/connections/[id]/route";
import * as spKeysRoute from "@/app/api/v1/connections/[id]/sp-keys/route";
import * as mappingsRoute from "@/app/api/v1/connections/[id]/role-mappings/route";
import * as eventsRoute from "@/app/api/v1/sso-events/route";
import * as tenantRoute from "@/app/api/v1/tenant/saml/route";
import * as openapiRoute from "@/app/api/v1/openapi.json/route";
import { apiKeys, idempotencyKeys, outbox, spKeys } from "@/db/schema";
import * as membersRoute from "@/app/api/v1/members/route";
import * as directoriesRoute from "@/app/api/v1/directories/route";
import * as webhooksRoute from "@/app/api/v1/webhooks/route";
import { openSecret } from "@/lib/crypto/secret-box";
import { createDevIdp } from "@/lib/dev-idp";
import { useDbForTests } from "@/server/bootstrap";
import { recordSsoEvent } from "@/lib/services/sso-events";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { callRoute, type CallResult } from "@/lib/testing/api";
import { makeApiWorkspace, type ApiTestWorkspace } from "@/lib/testing/fixtures";

let t: TestDb;
let a: ApiTestWorkspace;
const idp = createDevIdp({ entityId: "https://idp.secrets.test" });

beforeAll(async () => {
  t = await createTestDb();
  useDbForTests(t.db);
  a = await makeApiWorkspace(t.db, { slug: "secrets-a" });
});
afterAll(async () => {
  await t.close();
});

describe("no secret is ever serialised by the REST API", () => {
  it("responses never contain SP private keys (PEM or sealed), API keys or their hashes", async () => {
    const responses: CallResult[] = [];
    const created = await callRoute(listRoute.POST, "POST", "/api/v1/connections", a.key, {
      body: {
        name: "Secrets",
        slug: "secrets-a-conn",
        manual: { entity_id: idp.entityId, sso_url: "https://idp.secrets.test/sso", certificate_pem: idp.certificatePem },
      },
    });
    responses.push(created);
    const id = created.json.data.id as string;
    const p = { params: { id } };
    responses.push(await callRoute(spKeysRoute.POST, "POST", "/x", a.key, { ...p, body: { action: "stage" } }));
    responses.push(
      await callRoute(mappingsRoute.PUT, "PUT", "/x", a.key, {
        ...p,
        body: { rules: [{ attribute: "groups", value: "a", role: "admin" }] },
      }),
    );
    await recordSsoEvent(t.db, {
      workspaceId: a.id,
      connectionId: id,
      outcome: "failure",
      errorCode: "SAML_SIGNATURE_INVALID",
      detail: { expected: "x", actual: "y" },
    });
    responses.push(await callRoute(listRoute.GET, "GET", "/x", a.key));
    const current = await callRoute(itemRoute.GET, "GET", "/x", a.key, p);
    responses.push(current);
    responses.push(
      await callRoute(itemRoute.PATCH, "PATCH", "/x", a.key, { ...p, body: { version: current.json.data.version, name: "Renamed" } }),
    );
    responses.push(await callRoute(spKeysRoute.GET, "GET", "/x", a.key, p));
    responses.push(await callRoute(mappingsRoute.GET, "GET", "/x", a.key, p));
    responses.push(await callRoute(eventsRoute.GET, "GET", "/x", a.key));
    responses.push(
      await callRoute(tenantRoute.PUT, "PUT", "/x", a.key, {
        body: {
          enabled: true,
          entity_id: idp.entityId,
          sso_url: "https://idp.secrets.test/sso",
          certificate: idp.certificatePem,
          email_domain: "secrets.example",
        },
      }),
    );
    responses.push(await callRoute(openapiRoute.GET, "GET", "/api/v1/openapi.json", null));
    for (const r of responses) expect(r.status, r.text.slice(0, 200)).toBeLessThan(300);

    const sealed = await t.db.select({ v: spKeys.privateKeyEncrypted }).from(spKeys);
    expect(sealed.length).toBeGreaterThanOrEqual(3);
    const [keyRow] = await t.db.select({ hash: apiKeys.keyHash }).from(apiKeys).where(eq(apiKeys.id, a.keyId));
    const forbidden = [
      "PRIVATE KEY",
      a.key,
      keyRow!.hash,
      ...sealed.map((s) => s.v),
      ...sealed.map((s) =>
        openSecret(s.v)
          .replace(/-----[^-]+-----/g, "")
          .replace(/\s+/g, "")
          .slice(0, 64),
      ),
    ];
    for (const r of responses) {
      const flat = r.text.replace(/\\n/g, "").replace(/\s+/g, "");
      for (const f of forbidden) {
        expect(r.text.includes(f), `response leaks ${f.slice(0, 24)}…`).toBe(false);
        expect(flat.includes(f.replace(/\s+/g, "")), `response leaks ${f.slice(0, 24)}…`).toBe(false);
      }
    }
  });
});

describe("secrets in clear", () => {
  it("POST /members with an Idempotency-Key: the invite link is in the first response only; the idempotency store and the outbox hold no token; a replay answers invite_url: null", async () => {
    const headers = { "idempotency-key": "invite-secret-1" };
    const body = { email: "secret.invitee@secrets-a.test", role: "viewer" };
    const first = await callRoute(membersRoute.POST, "POST", "/api/v1/members", a.key, { body, headers });
    expect(first.status).toBe(201);
    const url = first.json.data.invitation.invite_url as string;
    const token = url.split("/invite/")[1]!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const stored = await t.db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, "invite-secret-1"));
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(JSON.stringify(await t.db.select().from(outbox))).not.toContain(token);

    const replay = await callRoute(membersRoute.POST, "POST", "/api/v1/members", a.key, { body, headers });
    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.json.data.invitation).toMatchObject({ id: first.json.data.invitation.id, invite_url: null });
    expect(replay.text).not.toContain(token);
  });

  it.each([
    ["POST /directories", directoriesRoute.POST, "/api/v1/directories", { name: "Okta directory", kind: "okta" }, "token"],
    ["POST /webhooks", webhooksRoute.POST, "/api/v1/webhooks", { url: "https://hooks.secrets.test/in" }, "secret"],
  ] as const)(
    "%s with an Idempotency-Key: the secret is in the first response only; the idempotency store holds none; a replay answers null",
    async (_name, handler, path, body, field) => {
      const headers = { "idempotency-key": `secret-${field}-1` };
      const first = await callRoute(handler, "POST", path, a.key, { body, headers });
      expect(first.status, first.text.slice(0, 300)).toBe(201);
      const secret = first.json.data[field] as string;
      expect(secret.length).toBeGreaterThan(20);
      const stored = await t.db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, headers["idempotency-key"]));
      expect(stored).toHaveLength(1);
      expect(JSON.stringify(stored)).not.toContain(secret);
      const replay = await callRoute(handler, "POST", path, a.key, { body, headers });
      expect(replay.status).toBe(201);
      expect(replay.headers.get("idempotent-replayed")).toBe("true");
      expect(replay.json.data).toMatchObject({ id: first.json.data.id, [field]: null });
      expect(replay.text).not.toContain(secret);
    },
  );
});
