import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tenantRoute from "@/app/api/v1/tenant/saml/route";
import { domains } from "@/db/schema";
import { createDevIdp } from "@/lib/dev-idp";
import { useDbForTests } from "@/server/bootstrap";
import { createConnection, getConnectionOrThrow } from "@/lib/services/connections";
import { connectionCreateSchema } from "@/lib/schemas/connections";
import { discoverSso } from "@/lib/services/discovery";
import { listDomains, verifyDomain } from "@/lib/services/domains";
import { startTestDnsServer } from "@/lib/testing/dns-server";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { tenantConnectionSlugs } from "@/lib/services/tenant-saml";
import { assertNoSecrets, callRoute } from "@/lib/testing/api";
import { makeApiWorkspace, type ApiTestWorkspace } from "@/lib/testing/fixtures";
import { OPERATOR } from "@/lib/services/actor";

let t: TestDb;
let a: ApiTestWorkspace;
let b: ApiTestWorkspace;
const google = createDevIdp({ entityId: "https://accounts.google.com/o/saml2?idpid=abc123" });
const okta = createDevIdp({ entityId: "https://company.okta.com/app/abc123" });

beforeAll(async () => {
  t = await createTestDb();
  useDbForTests(t.db);
  a = await makeApiWorkspace(t.db, { slug: "tenant-a" });
  b = await makeApiWorkspace(t.db, { slug: "tenant-b" });
});
afterAll(async () => {
  await t.close();
});

const put = (w: ApiTestWorkspace, body: unknown) => callRoute(tenantRoute.PUT, "PUT", "/api/v1/tenant/saml", w.key, { body });
const seedBody = (over: Record<string, unknown> = {}) => ({
  enabled: true,
  entity_id: google.entityId,
  sso_url: "https://accounts.google.com/o/saml2/idp?idpid=abc123",
  certificate: google.certificatePem,
  email_domain: "Company.com",
  jit_provisioning: true,
  default_role: "member",
  default_access_scope: "scoped",
  default_environment_ids: ["env_development"],
  ...over,
});

describe("PUT /api/v1/tenant/saml", () => {
  it("derives connection slugs from the domain", () => {
    expect(tenantConnectionSlugs("company.com", "acme")).toEqual(["company-com", "company-com-acme"]);
    expect(tenantConnectionSlugs("sub.example.co.uk", "x")[0]).toBe("sub-example-co-uk");
  });

  it("creates the connection (201) with SP values and adds the domain pending, routed to it (the MITRITY request as written)", async () => {
    const r = await put(a, seedBody());
    expect(r.status).toBe(201);
    expect(r.headers.get("x-request-id")).toBeTruthy();
    const d = r.json.data;
    expect(d).toMatchObject({
      created: true,
      enabled: true,
      active: true,
      slug: "company-com",
      name: "SSO for company.com",
      entity_id: google.entityId,
      sso_url: "https://accounts.google.com/o/saml2/idp?idpid=abc123",
      email_domain: "company.com",
      jit_provisioning: true,
      default_role: "viewer",
      configured: true,
      metadata_source: "manual",
    });
    expect(d.sp).toEqual({
      entity_id: "http://localhost:3999/auth/sso/saml/company-com",
      acs_url: "http://localhost:3999/auth/sso/saml/company-com/acs",
      metadata_url: "http://localhost:3999/auth/sso/saml/company-com/metadata",
      login_url: "http://localhost:3999/auth/sso/saml/company-com/login",
      slo_url: "http://localhost:3999/auth/sso/saml/company-com/slo",
    });
    expect(d.domain).toMatchObject({ domain: "company.com", status: "pending", connection_id: d.id });
    expect(d.domain.verification_record.type).toBe("TXT");
    expect(d.configured_at).toBeTruthy();
    assertNoSecrets(r.text);

    const domains = await listDomains(t.db, a.id);
    expect(domains).toEqual([expect.objectContaining({ domain: "company.com", status: "pending", connectionId: d.id })]);
  });

  it("a second PUT for the domain updates the same connection (200): enabled → active, new IdP, role", async () => {
    const first = (await put(a, seedBody())).json.data;
    const r = await put(
      a,
      seedBody({
        enabled: false,
        entity_id: okta.entityId,
        sso_url: "https://company.okta.com/app/abc123/sso/saml",
        certificate: okta.certificatePem,
        default_role: "editor",
        jit_provisioning: false,
      }),
    );
    expect(r.status).toBe(200);
    expect(r.json.data).toMatchObject({
      id: first.id,
      created: false,
      enabled: false,
      active: false,
      entity_id: okta.entityId,
      default_role: "editor",
      jit_provisioning: false,
    });
    expect(r.json.data.version).toBeGreaterThan(first.version);
    const stored = await getConnectionOrThrow(t.db, a.id, first.id);
    expect(stored.idpCertificates[0]!.pem.replace(/\s+/g, "")).toBe(okta.certificatePem.replace(/\s+/g, ""));
    expect(await listDomains(t.db, a.id)).toHaveLength(1);
    // Omitted optional fields return to their defaults (PUT replaces).
    const defaults = await put(a, {
      enabled: true,
      entity_id: okta.entityId,
      sso_url: "https://company.okta.com/sso",
      certificate: okta.certificatePem,
      email_domain: "company.com",
    });
    expect(defaults.json.data).toMatchObject({ id: first.id, jit_provisioning: true, default_role: "viewer", active: true });
  });

  it("another workspace setting up the same domain gets its own connection (slug with its workspace suffix)", async () => {
    const r = await put(b, seedBody());
    expect(r.status).toBe(201);
    expect(r.json.data.slug).toBe("company-com-tenant-b");
    expect(r.json.data.workspace_id).toBe(b.id);
    expect((await put(b, seedBody())).json.data.id).toBe(r.json.data.id);
  });

  it("updates a connection the domain is already routed to, whatever its slug", async () => {
    const c = await createConnection(t.db, a.id, connectionCreateSchema.parse({ name: "Hand made", slug: "tenant-a-hand" }), OPERATOR);
    const first = await put(a, seedBody({ email_domain: "hand.example" }));
    expect(first.json.data.slug).toBe("hand-example");
    // Point the domain at the hand-made connection, as an admin could.
    await t.db
      .update(domains)
      .set({ connectionId: c.id })
      .where(and(eq(domains.workspaceId, a.id), eq(domains.domain, "hand.example")));
    const r = await put(a, seedBody({ email_domain: "hand.example", default_role: "admin" }));
    expect(r.status).toBe(200);
    expect(r.json.data).toMatchObject({ id: c.id, slug: "tenant-a-hand", default_role: "admin" });
  });

  it("422 with the API's field names", async () => {
    const missing = await put(a, {});
    expect(missing.status).toBe(422);
    expect(missing.json.error.fields.map((f: { path: string }) => f.path).sort()).toEqual([
      "certificate",
      "email_domain",
      "enabled",
      "entity_id",
      "sso_url",
    ]);

    const role = await put(a, seedBody({ default_role: "owner" }));
    expect(role.status).toBe(422);
    expect(role.json.error.fields[0].path).toBe("default_role");

    const domain = await put(a, seedBody({ email_domain: "not a domain" }));
    expect(domain.status).toBe(422);
    expect(domain.json.error.code).toBe("DOMAIN_INVALID");
    expect(domain.json.error.fields[0].path).toBe("email_domain");

    const cert = await put(
      a,
      seedBody({ email_domain: "certless.example", certificate: "-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----" }),
    );
    expect(cert.status).toBe(422);
    expect(cert.json.error.code).toBe("SAML_METADATA_INVALID");
    expect(cert.json.error.fields[0].path).toBe("certificate");
    expect(await listDomains(t.db, a.id).then((ds) => ds.map((d) => d.domain))).not.toContain("certless.example");
  });

  it("after the TXT record is verified, discovery sends the domain's users to the connection", async () => {
    const dns = await startTestDnsServer();
    try {
      const r = (await put(a, seedBody({ email_domain: "verified-later.example" }))).json.data;
      expect(await discoverSso(t.db, { email: "jo@verified-later.example", ip: "203.0.113.9", appUrl: "http://localhost:3999" })).toEqual({
        found: false,
      });
      dns.setTxt(r.domain.verification_record.name, [r.domain.verification_record.value]);
      const v = await verifyDomain(t.db, a.id, r.domain.id, {}, { servers: [dns.address] });
      expect(v).toMatchObject({ status: "verified", connectionId: r.id });
      const found = await discoverSso(t.db, { email: "jo@verified-later.example", ip: "203.0.113.9", appUrl: "http://localhost:3999" });
      expect(found).toMatchObject({ found: true, redirect: r.sp.login_url });
      // A later PUT keeps the verified domain routed (through routeDomain).
      expect((await put(a, seedBody({ email_domain: "verified-later.example" }))).json.data.domain).toMatchObject({
        status: "verified",
        connection_id: r.id,
      });
    } finally {
      await dns.close();
    }
  });

  it("401 without a key", async () => {
    const r = await callRoute(tenantRoute.PUT, "PUT", "/api/v1/tenant/saml", null, { body: seedBody() });
    expect(r.status).toBe(401);
    expect(r.json.error.code).toBe("INVALID_API_KEY");
  });
});
