import path from "node:path";
import { describe, expect, it } from "vitest";
import type { ApiRouteHandler } from "@/lib/api/handler";
import { buildOpenApiDocument } from "./document";

const APP_API = path.resolve(import.meta.dirname, "../../../app/api/v1");

/** "/api/v1/connections/{id}/sp-keys" → app/api/v1/connections/[id]/sp-keys/route.ts */
function routeFile(apiPath: string): string {
  const rel = apiPath.replace(/^\/api\/v1\/?/, "").replace(/\{([^}]+)\}/g, "[$1]");
  return path.join(APP_API, rel, "route.ts");
}

describe("each REST route declares its least role where it is exported, and the OpenAPI document says the same", () => {
  it("apiRoute({ minRole }) of every operation equals its x-min-role", async () => {
    const doc = buildOpenApiDocument("http://localhost:3999");
    const rows: string[] = [];
    for (const [p, item] of Object.entries(doc.paths ?? {})) {
      for (const [method, op] of Object.entries(item as Record<string, { "x-min-role"?: string; security?: unknown[] }>)) {
        if (!op.security?.length) continue; // the public OpenAPI document
        const mod = (await import(routeFile(p))) as Record<string, ApiRouteHandler>;
        const handler = mod[method.toUpperCase()];
        rows.push(`${method.toUpperCase()} ${p}: route ${handler?.minRole} / doc ${op["x-min-role"]}`);
        expect(handler?.minRole, `${method} ${p}`).toBeDefined();
        expect(op["x-min-role"], `${method} ${p}`).toBe(handler!.minRole);
      }
    }
    expect(rows.length).toBeGreaterThan(20);
    // Owner-only operations (trust, enforcement, the IP allowlist and setup links).
    expect(rows.filter((r) => r.includes("route owner")).sort()).toEqual(
      [
        "POST /api/v1/connections: route owner / doc owner",
        "POST /api/v1/connections/{id}/trust-approval: route owner / doc owner",
        "POST /api/v1/connections/{id}/sp-encryption-keys: route owner / doc owner",
        "PUT /api/v1/connections/{id}/role-mappings: route owner / doc owner",
        "PUT /api/v1/tenant/saml: route owner / doc owner",
        "PUT /api/v1/workspace/enforcement: route owner / doc owner",
        "GET /api/v1/workspace/ip-allowlist: route owner / doc owner",
        "PUT /api/v1/workspace/ip-allowlist: route owner / doc owner",
        "DELETE /api/v1/workspace/ip-allowlist: route owner / doc owner",
        "GET /api/v1/setup-links: route owner / doc owner",
        "POST /api/v1/setup-links: route owner / doc owner",
        "POST /api/v1/setup-links/{id}/revoke: route owner / doc owner",
      ].sort(),
    );
  });
});
