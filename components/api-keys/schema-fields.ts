/** Flatten an OpenAPI 3.1 (JSON Schema) schema into rows for a readable field table. */

export type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  additionalProperties?: boolean | JsonSchema;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  example?: unknown;
};

export type FieldRow = { path: string; type: string; required: boolean; notes: string[] };

export function resolveRef(
  schema: JsonSchema | undefined,
  schemas: Record<string, JsonSchema>,
  seen = new Set<string>(),
): JsonSchema | undefined {
  if (!schema?.$ref) return schema;
  const name = schema.$ref.replace("#/components/schemas/", "");
  if (seen.has(name)) return { type: "object", description: `(recursive ${name})` };
  seen.add(name);
  return resolveRef(schemas[name], schemas, seen);
}

export function describeType(s: JsonSchema | undefined, schemas: Record<string, JsonSchema>): string {
  const r = resolveRef(s, schemas);
  if (!r) return "any";
  if (r.const !== undefined) return JSON.stringify(r.const);
  if (r.enum) return r.enum.map((v) => JSON.stringify(v)).join(" | ");
  const alts = r.anyOf ?? r.oneOf;
  if (alts) return alts.map((a) => describeType(a, schemas)).join(" | ");
  const types = Array.isArray(r.type) ? r.type : r.type ? [r.type] : [];
  return (
    types
      .map((t) => (t === "array" ? `${describeType(r.items, schemas)}[]` : t === "string" && r.format ? `string (${r.format})` : t))
      .join(" | ") || (r.properties ? "object" : "any")
  );
}

function notesOf(s: JsonSchema): string[] {
  const n: string[] = [];
  if (s.description) n.push(s.description);
  if (s.default !== undefined) n.push(`Default: ${JSON.stringify(s.default)}`);
  if (s.minLength !== undefined || s.maxLength !== undefined) n.push(`Length ${s.minLength ?? 0}–${s.maxLength ?? "∞"}`);
  if (s.minimum !== undefined || s.maximum !== undefined) n.push(`Range ${s.minimum ?? "−∞"}–${s.maximum ?? "∞"}`);
  if (s.example !== undefined) n.push(`Example: ${JSON.stringify(s.example)}`);
  return n;
}

/** Rows for every (nested) field: "manual.entity_id", "rules[].role", … */
export function flattenSchema(schema: JsonSchema | undefined, schemas: Record<string, JsonSchema>, prefix = "", depth = 0): FieldRow[] {
  const s = resolveRef(schema, schemas);
  if (!s || depth > 5) return [];
  if (s.allOf) return s.allOf.flatMap((x) => flattenSchema(x, schemas, prefix, depth + 1));
  const alts = s.anyOf ?? s.oneOf;
  if (alts && !s.properties) {
    const objectAlts = alts.map((a) => resolveRef(a, schemas)).filter((a) => a?.properties);
    if (objectAlts.length > 1) {
      return objectAlts.flatMap((a, i) =>
        flattenSchema(a, schemas, prefix, depth + 1).map((row) => ({
          ...row,
          notes: [`Option ${i + 1} of ${objectAlts.length}`, ...row.notes],
        })),
      );
    }
    if (objectAlts.length === 1) return flattenSchema(objectAlts[0], schemas, prefix, depth + 1);
  }
  const rows: FieldRow[] = [];
  if (s.properties) {
    for (const [name, child] of Object.entries(s.properties)) {
      const path = prefix ? `${prefix}.${name}` : name;
      const c = resolveRef(child, schemas) ?? {};
      rows.push({ path, type: describeType(child, schemas), required: s.required?.includes(name) ?? false, notes: notesOf(c) });
      const nested = c.type === "array" || (Array.isArray(c.type) && c.type.includes("array")) ? resolveRef(c.items, schemas) : c;
      const nestedPrefix = nested === c ? path : `${path}[]`;
      if (nested?.properties || nested?.anyOf || nested?.oneOf) rows.push(...flattenSchema(nested, schemas, nestedPrefix, depth + 1));
    }
  }
  return rows;
}
