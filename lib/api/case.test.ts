import { describe, expect, it } from "vitest";
import { z } from "zod";
import { connectionCreateSchema, connectionUpdateSchema } from "@/lib/schemas/connections";
import { memberUpdateSchema } from "@/lib/schemas/members";
import { ssoEventListSchema } from "@/lib/schemas/sso-events";
import { tenantSamlSchema } from "@/lib/schemas/tenant-saml";
import { apiFieldPath, apiSchema, camelToSnake } from "./case";
import { apiConnectionCreateSchema, apiConnectionUpdateSchema, apiRoleMappingsReplaceSchema } from "./schemas/connections";
import { apiMemberUpdateSchema } from "./schemas/members";
import { apiSsoEventListQuerySchema } from "./schemas/sso-events";
import { apiTenantSamlSchema } from "./schemas/tenant-saml";

/** The test's own (independent) renaming of an operation input into the API's snake_case. */
function snake(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(snake);
  if (!v || typeof v !== "object") return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), snake(x)]));
}
const paths = (r: { success: boolean; error?: z.ZodError }) => (r.error?.issues ?? []).map((i) => i.path.join(".")).sort();

const cert = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----";
const createInputs: Record<string, unknown>[] = [
  { name: "Okta", slug: "okta-prod" },
  { name: "  Okta  ", slug: "  Okta-Prod ", defaultRole: "admin", allowIdpInitiated: true, defaultRedirect: "/dashboard" },
  { name: "Manual", slug: "manual", manual: { entityId: "urn:x", ssoUrl: "https://idp.test/sso", certificatePem: cert } },
  { name: "Url", slug: "by-url", metadataUrl: "https://idp.test/metadata", clockSkewSeconds: 30, requireVerifiedDomains: null },
  { name: "", slug: "ok" },
  { name: "Bad slug", slug: "-bad-" },
  { name: "Owner", slug: "owner-role", defaultRole: "owner" },
  { name: "Redirect", slug: "redirect", defaultRedirect: "//evil.test" },
  { name: "Manual", slug: "bad-manual", manual: { entityId: "", ssoUrl: "not a url", certificatePem: cert } },
  { name: "Skew", slug: "skew", clockSkewSeconds: 3600 },
  { name: "Type", slug: "type", idpType: "unknown-idp" },
  {},
];

describe("camelToSnake / apiFieldPath: the one naming rule", () => {
  it("renames camelCase identifiers only", () => {
    expect(camelToSnake("clockSkewSeconds")).toBe("clock_skew_seconds");
    expect(camelToSnake("fingerprintSha256")).toBe("fingerprint_sha256");
    expect(camelToSnake("slug")).toBe("slug");
    expect(camelToSnake("default_role")).toBe("default_role");
    expect(camelToSnake("Idempotency-Key")).toBe("Idempotency-Key");
    expect(camelToSnake("0")).toBe("0");
    expect(apiFieldPath("manual.certificatePem")).toBe("manual.certificate_pem");
    expect(apiFieldPath("rules.3.role")).toBe("rules.3.role");
    expect(apiFieldPath("")).toBe("");
  });
});

describe("apiSchema: the REST API's schema is the operation schema under snake_case keys", () => {
  it("create: accepts and refuses exactly what the operation schema does, with the same output and snake_case paths", () => {
    for (const input of createInputs) {
      const op = connectionCreateSchema.safeParse(input);
      const api = apiConnectionCreateSchema.safeParse(snake(input));
      expect(api.success, JSON.stringify(input)).toBe(op.success);
      if (op.success) expect(api.data).toEqual(op.data);
      else expect(paths(api)).toEqual(paths(op).map(apiFieldPath));
    }
  });

  it("update: the same, including the required version", () => {
    for (const input of [
      { version: 3, name: "Renamed", allowSha1: true },
      { version: 3, manual: { entityId: "urn:x", ssoUrl: "https://idp.test/sso", certificatePem: cert } },
      { name: "No version" },
      { version: 0 },
      { version: 3, defaultRedirect: "/\t/evil.test", syncProfileEveryLogin: "yes" },
    ]) {
      const op = connectionUpdateSchema.safeParse(input);
      const api = apiConnectionUpdateSchema.safeParse(snake(input));
      expect(api.success, JSON.stringify(input)).toBe(op.success);
      if (op.success) expect(api.data).toEqual(op.data);
      else expect(paths(api)).toEqual(paths(op).map(apiFieldPath));
    }
  });

  it("reads camelCase keys too (scripts that use the operation's names); a snake_case key wins over its camelCase twin", () => {
    const input = {
      name: "Okta",
      slug: "okta",
      defaultRole: "editor",
      manual: { entityId: "urn:x", ssoUrl: "https://idp.test/sso", certificatePem: cert },
    };
    expect(apiConnectionCreateSchema.parse(input)).toEqual(connectionCreateSchema.parse(input));
    expect(apiConnectionCreateSchema.parse({ name: "Okta", slug: "okta", default_role: "admin", defaultRole: "viewer" }).defaultRole).toBe(
      "admin",
    );
  });

  it("a __proto__ key stays an unknown field: it neither sets fields nor reaches the output", () => {
    const body = JSON.parse('{"name":"Okta","slug":"okta","__proto__":{"default_role":"admin","defaultRole":"admin"}}');
    const out = apiConnectionCreateSchema.parse(body);
    expect(out.defaultRole).toBe("viewer");
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.hasOwn(out, "__proto__")).toBe(false);
  });

  it("keeps object-level refinements of the operation schema", () => {
    expect(memberUpdateSchema.safeParse({}).success).toBe(false);
    expect(paths(apiMemberUpdateSchema.safeParse({}))).toEqual(["role"]);
    expect(apiMemberUpdateSchema.parse({ disabled: true })).toEqual({ disabled: true });
  });

  it("tenant/saml: transforms and defaults run once, output in the operation's names", () => {
    const body = {
      enabled: true,
      entity_id: " urn:x ",
      sso_url: "https://idp.test/sso",
      certificate: cert,
      email_domain: "Co.example",
      default_role: "member",
    };
    expect(apiTenantSamlSchema.parse({ ...body, default_access_scope: "ignored" })).toEqual({
      enabled: true,
      entityId: "urn:x",
      ssoUrl: "https://idp.test/sso",
      certificate: cert,
      emailDomain: "Co.example",
      jitProvisioning: true,
      defaultRole: "viewer",
    });
    expect(tenantSamlSchema.safeParse({}).success).toBe(false);
    expect(paths(apiTenantSamlSchema.safeParse({}))).toEqual(["certificate", "email_domain", "enabled", "entity_id", "sso_url"]);
  });

  it("queries: coerced values, snake_case names in and the operation's out", () => {
    const since = "2026-01-02T03:04:05.000Z";
    const q = apiSsoEventListQuerySchema.parse({ connection_id: "3f0c2b1e-8d4a-4c6b-9e2f-1a2b3c4d5e6f", since, limit: "20" });
    expect(q).toEqual(ssoEventListSchema.parse({ connectionId: "3f0c2b1e-8d4a-4c6b-9e2f-1a2b3c4d5e6f", since, limit: "20" }));
    expect(q.since).toBeInstanceOf(Date);
  });

  it("role mappings: a bare array is the rules list; rule paths keep their indexes", () => {
    expect(apiRoleMappingsReplaceSchema.parse([{ attribute: "groups", value: " eng ", role: "editor" }])).toEqual({
      rules: [{ attribute: "groups", value: "eng", role: "editor" }],
    });
    expect(paths(apiRoleMappingsReplaceSchema.safeParse({ rules: [{ attribute: "g", value: "v", role: "owner" }] }))).toEqual([
      "rules.0.role",
    ]);
  });

  it("renames nested objects inside arrays, and refuses shapes it cannot rename faithfully", () => {
    const op = z.object({ items: z.array(z.object({ firstName: z.string() })).max(1) });
    const api = apiSchema(op);
    expect(api.parse({ items: [{ first_name: "Ada" }] })).toEqual({ items: [{ firstName: "Ada" }] });
    expect(paths(api.safeParse({ items: [{}, {}] }))).toEqual(["items"]);
    expect(paths(api.safeParse({ items: [{ first_name: 1 }] }))).toEqual(["items.0.first_name"]);
    expect(() => apiSchema(z.object({ nested: z.object({ aB: z.string() }).refine(() => true) }))).toThrow(/refinements/);
    expect(() => apiSchema(z.object({ either: z.union([z.object({ aB: z.string() }), z.string()]) }))).toThrow(/unions/);
  });
});
