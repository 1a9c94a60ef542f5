import { z } from "zod";

/**
 * The REST API's one naming translation. Operation schemas (lib/schemas) name fields the way the
 * services do (camelCase); the API speaks snake_case. `camelToSnake` is the only rule between the
 * two: `apiSchema` derives the API's request schema from the operation schema with it, and the API's
 * error responses name invalid fields with it (`apiFieldPath`).
 */

/** "clockSkewSeconds" → "clock_skew_seconds". Only camelCase identifiers change ("Idempotency-Key", "0", "slug" stay). */
export function camelToSnake(name: string): string {
  return /^[a-z][a-zA-Z0-9]*$/.test(name) ? name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`) : name;
}

/** A field path in the operation's names ("manual.certificatePem") → the API's ("manual.certificate_pem"). */
export function apiFieldPath(path: string): string {
  return path.split(".").map(camelToSnake).join(".");
}

type SnakeCase<S extends string> = S extends `${infer H}${infer T}`
  ? `${H extends Lowercase<H> ? H : `_${Lowercase<H>}`}${SnakeCase<T>}`
  : S;
/** The snake_case form of a (parsed or unparsed) operation value's type. */
export type SnakeKeys<T> = T extends readonly (infer U)[]
  ? SnakeKeys<U>[]
  : T extends Date
    ? T
    : T extends object
      ? { [K in keyof T as K extends string ? SnakeCase<K> : K]: SnakeKeys<T[K]> }
      : T;

/** Parses the API's snake_case request, outputs exactly what the operation schema outputs (camelCase). */
export type ApiSchema<S extends z.ZodType> = z.ZodType<z.output<S>, SnakeKeys<z.input<S>>>;

/** snake_case key → [operation key, renamer of its value]. */
type Renamer = { kind: "object"; fields: Map<string, { name: string; inner: Renamer | null }> } | { kind: "array"; inner: Renamer };

/** Copy a schema's registered metadata (description, example; never the component id) onto its rebuilt form. */
function withMetaOf<T extends z.ZodType>(src: z.ZodType, out: T): T {
  const meta = z.globalRegistry.get(src);
  if (!meta) return out;
  const { id: _id, ...rest } = meta;
  return Object.keys(rest).length ? out.meta(rest) : out;
}

/**
 * The same validators under snake_case keys. Subtrees without a camelCase key are reused as they
 * are; objects, optionals, nullables and arrays around renamed objects are rebuilt.
 */
function derive(schema: z.ZodType, top = false): { schema: z.ZodType; renamer: Renamer | null } {
  if (schema instanceof z.ZodObject) {
    const shape: Record<string, z.ZodType> = {};
    const fields = new Map<string, { name: string; inner: Renamer | null }>();
    let changed = false;
    for (const [name, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
      const d = derive(field);
      const key = camelToSnake(name);
      if (key !== name || d.renamer) changed = true;
      shape[key] = d.schema;
      fields.set(key, { name, inner: d.renamer });
    }
    if (!changed) return { schema, renamer: null };
    if (!top && schema.def.checks?.length) throw new Error("apiSchema: refinements on nested objects are not supported");
    const catchall = schema.def.catchall;
    const rebuilt = catchall ? z.object(shape).catchall(catchall) : z.object(shape);
    return { schema: withMetaOf(schema, rebuilt), renamer: { kind: "object", fields } };
  }
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) {
    const d = derive(schema.unwrap() as z.ZodType);
    if (!d.renamer) return { schema, renamer: null };
    return { schema: withMetaOf(schema, schema instanceof z.ZodOptional ? d.schema.optional() : d.schema.nullable()), renamer: d.renamer };
  }
  if (schema instanceof z.ZodArray) {
    const d = derive(schema.element as z.ZodType);
    if (!d.renamer) return { schema, renamer: null };
    const rebuilt = z.array(d.schema).check(...((schema.def.checks ?? []) as z.core.$ZodCheck<unknown[]>[]));
    return { schema: withMetaOf(schema, rebuilt), renamer: { kind: "array", inner: d.renamer } };
  }
  const inner =
    schema instanceof z.ZodDefault
      ? [schema.unwrap()]
      : schema instanceof z.ZodPipe
        ? [schema.in, schema.out]
        : schema instanceof z.ZodUnion
          ? schema.options
          : [];
  if ((inner as z.ZodType[]).some((s) => derive(s).renamer)) {
    throw new Error("apiSchema: camelCase keys inside defaults, pipes or unions are not supported");
  }
  return { schema, renamer: null };
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

/** Parsed snake_case value → the operation's names. */
function toOperationNames(value: unknown, r: Renamer): unknown {
  if (r.kind === "array") return Array.isArray(value) ? value.map((v) => toOperationNames(v, r.inner)) : value;
  if (!isPlainObject(value)) return value;
  // Object.fromEntries defines own properties: a "__proto__" key stays data, never a prototype.
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => {
      const f = r.fields.get(key);
      return [f?.name ?? key, f?.inner ? toOperationNames(v, f.inner) : v];
    }),
  );
}

/** Raw request: a camelCase key is read as its snake_case field, unless that field is given too. */
function acceptOperationNames(value: unknown, r: Renamer): unknown {
  if (r.kind === "array") return Array.isArray(value) ? value.map((v) => acceptOperationNames(v, r.inner)) : value;
  if (!isPlainObject(value)) return value;
  const byName = new Map([...r.fields].map(([key, f]) => [f.name, key]));
  const entries: [string, unknown][] = [];
  for (const [k, v] of Object.entries(value)) {
    const key = byName.get(k) ?? k;
    if (key !== k && Object.hasOwn(value, key)) continue;
    const inner = r.fields.get(key)?.inner;
    entries.push([key, inner ? acceptOperationNames(v, inner) : v]);
  }
  return Object.fromEntries(entries);
}

/**
 * The REST API's request schema for an operation: snake_case keys (what OpenAPI documents and what
 * 422 `fields` name), the operation's own validators, parsed once, and the operation's output. Object-
 * level refinements of the operation schema run on that output. `acceptCamelCase` (bodies) also reads
 * the operation's camelCase names, for scripts that send them.
 */
export function apiSchema<S extends z.ZodObject>(
  operation: S,
  opts: { meta?: z.GlobalMeta; acceptCamelCase?: boolean } = {},
): ApiSchema<S> {
  const d = derive(operation, true);
  const checks = (operation.def.checks ?? []) as z.core.$ZodCheck<unknown>[];
  const withMeta = (s: z.ZodType) => (opts.meta ? s.meta(opts.meta) : s);
  if (!d.renamer) return withMeta(operation) as unknown as ApiSchema<S>;
  const renamer = d.renamer;
  const base = withMeta(d.schema) as z.ZodObject;
  let parsed: z.ZodType = base.transform((v) => toOperationNames(v, renamer));
  if (checks.length) parsed = parsed.check(...checks);
  const out = opts.acceptCamelCase ? z.preprocess((v) => acceptOperationNames(v, renamer), parsed) : parsed;
  return out as unknown as ApiSchema<S>;
}
