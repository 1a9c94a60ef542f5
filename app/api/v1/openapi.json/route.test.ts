import { describe, expect, it } from "vitest";
import * as route from "@/app/api/v1/openapi.json/route";
import { callRoute } from "@/lib/testing/api";

describe("GET /api/v1/openapi.json", () => {
  it("serves the OpenAPI 3.1 document without an API key, with X-Request-Id", async () => {
    const r = await callRoute(route.GET, "GET", "/api/v1/openapi.json", null);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toContain("application/json");
    expect(r.headers.get("x-request-id")).toMatch(/^req_/);
    expect(r.json.openapi).toBe("3.1.0");
    expect(r.json.servers[0].url).toBe("http://localhost:3999");
    expect(r.json.paths["/api/v1/tenant/saml"].put).toBeDefined();
    expect(r.json.components.securitySchemes.bearerAuth.scheme).toBe("bearer");
  });
});

describe("unknown /api/v1 paths", () => {
  it("answer a JSON 404 with X-Request-Id", async () => {
    const fallback = await import("@/app/api/v1/[...path]/route");
    const r = await callRoute(fallback.POST, "POST", "/api/v1/nope", null, { params: { path: "nope" } });
    expect(r.status).toBe(404);
    expect(r.json.error.code).toBe("NOT_FOUND");
    expect(r.headers.get("x-request-id")).toBe(r.json.meta.request_id);
  });
});
