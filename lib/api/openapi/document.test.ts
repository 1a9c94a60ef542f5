import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { compileErrors, validate } from "@readme/openapi-parser";
import { describe, expect, it } from "vitest";
import { buildOpenApiDocument } from "./document";

const API_ROOT = path.resolve(import.meta.dirname, "../../../app/api/v1");
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

/**
 * Every app/api/v1/**\/route.ts as "METHOD /api/v1/path/{param}", from the exported handler names.
 * The catch-all (app/api/v1/[...path]: JSON 404 for unknown paths) is not an operation.
 */
function implementedOperations(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name === "route.ts" && !dir.includes("[...")) {
        const rel = path.relative(API_ROOT, path.dirname(full)).split(path.sep).filter(Boolean);
        const apiPath = "/api/v1" + rel.map((s) => "/" + s.replace(/^\[(.+)\]$/, "{$1}")).join("");
        const src = readFileSync(full, "utf8");
        for (const m of METHODS) {
          const exported = new RegExp(`export\\s+(const|async\\s+function|function)\\s+${m}\\b|export\\s*\\{[^}]*\\b${m}\\b[^}]*\\}`).test(
            src,
          );
          if (exported) out.push(`${m} ${apiPath}`);
        }
      }
    }
  };
  walk(API_ROOT);
  return out.sort();
}

type Operation = { security?: unknown[]; responses: Record<string, unknown>; parameters?: { name: string; in: string }[] };

function documentedOperations(doc: ReturnType<typeof buildOpenApiDocument>): string[] {
  const out: string[] = [];
  for (const [p, item] of Object.entries(doc.paths ?? {})) {
    for (const m of METHODS) if ((item as Record<string, unknown>)[m.toLowerCase()]) out.push(`${m} ${p}`);
  }
  return out.sort();
}

describe("OpenAPI document", () => {
  const doc = buildOpenApiDocument("http://localhost:3999");

  it("documents every route under app/api/v1, and every documented operation exists", () => {
    const implemented = implementedOperations();
    const documented = documentedOperations(doc);
    expect(implemented.length).toBeGreaterThan(0);
    expect(
      documented.filter((op) => !implemented.includes(op)),
      "documented but not implemented",
    ).toEqual([]);
    expect(
      implemented.filter((op) => !documented.includes(op)),
      "implemented but not documented",
    ).toEqual([]);
  });

  it("is a valid OpenAPI 3.1 document", async () => {
    expect(doc.openapi).toBe("3.1.0");
    const result = await validate(structuredClone(doc) as never);
    if (!result.valid) throw new Error(compileErrors(result));
    expect(result.valid).toBe(true);
  });

  it("declares bearer auth and documents errors on every operation", () => {
    expect(doc.components?.securitySchemes?.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
    expect(doc.components?.securitySchemes?.operatorAuth).toMatchObject({ type: "http", scheme: "bearer", bearerFormat: "gh_op_…" });
    for (const [p, item] of Object.entries(doc.paths ?? {})) {
      for (const [method, op] of Object.entries(item as Record<string, Operation>)) {
        if (!METHODS.includes(method.toUpperCase() as (typeof METHODS)[number])) continue;
        const where = `${method.toUpperCase()} ${p}`;
        expect(op.responses["500"], where).toBeDefined();
        if (p === "/api/v1/openapi.json") {
          expect(op.security, where).toEqual([]);
          continue;
        }
        // Instance level: operator keys only. Workspace level: a workspace key, or an operator key under /api/v1/organizations/{id}/….
        const instance = /^\/api\/v1\/(organizations|apps|instance)(\/|$)/.test(p);
        expect(op.security, where).toEqual(instance ? [{ operatorAuth: [] }] : [{ bearerAuth: [] }, { operatorAuth: [] }]);
        expect(op.responses["401"], where).toBeDefined();
        expect(op.responses["429"], where).toBeDefined();
        if (p.includes("{")) expect(op.responses["404"], where).toBeDefined();
        for (const param of p.match(/\{(\w+)\}/g) ?? []) {
          const name = param.slice(1, -1);
          expect(
            op.parameters?.some((x) => x.in === "path" && x.name === name),
            `${where} path parameter ${name}`,
          ).toBe(true);
        }
      }
    }
  });
});
