import { describe, expect, it } from "vitest";
import { buildOpenApiDocument } from "@/lib/api/openapi/document";
import { describeType, flattenSchema, type JsonSchema } from "./schema-fields";

describe("API reference field tables", () => {
  const doc = buildOpenApiDocument("http://localhost:3999");
  const schemas = (doc.components?.schemas ?? {}) as Record<string, JsonSchema>;

  it("flattens request bodies with nested objects, required markers and defaults", () => {
    const rows = flattenSchema({ $ref: "#/components/schemas/ConnectionCreate" }, schemas);
    const byPath = Object.fromEntries(rows.map((r) => [r.path, r]));
    expect(byPath.name!.required).toBe(true);
    expect(byPath.default_role!.type).toBe('"admin" | "editor" | "viewer"');
    expect(byPath.default_role!.notes).toContain('Default: "viewer"');
    expect(byPath["manual.certificate_pem"]!.required).toBe(true);
  });

  it("describes arrays of objects with [] paths", () => {
    const rows = flattenSchema({ $ref: "#/components/schemas/RoleMappingsReplace" }, schemas);
    expect(rows.map((r) => r.path)).toEqual(["rules", "rules[].attribute", "rules[].value", "rules[].role", "version"]);
    expect(describeType({ type: ["string", "null"] }, schemas)).toBe("string | null");
  });
});
