/**
 * What real SCIM clients send that a strict reading of RFC 7644 would refuse or, worse, misread.
 * Applied before SCIMMY parses a request, so no quirk is ever silently dropped:
 * - Entra ID (without the `aadOptscim062020` flag) sends boolean values as the strings "True"/"False"
 *   (`{"op":"Replace","path":"active","value":"False"}`): a truthy string must never keep someone active.
 * - Op names in any case (`Add`, `Replace`, `Remove`).
 * - `Replace emails[type eq "work"].value` on a user that has no work email yet: added instead of
 *   failing with noTarget.
 * - Entra removes group members with a value list carrying `"$ref": null`: matched on `value` alone.
 * - A PatchOp body without `schemas` (some clients omit it).
 */

const PATCH_OP_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const BOOLEAN_ATTRIBUTES = new Set(["active", "primary"]);

function lastSegment(path: string): string {
  const tail = path.split(".").pop() ?? path;
  return tail.replace(/\[.*$/, "").replace(/^.*:/, "").toLowerCase();
}

/** "True"/"False" (any case) → boolean; anything else unchanged. */
export function toBoolean(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const v = value.trim().toLowerCase();
  return v === "true" ? true : v === "false" ? false : value;
}

/** Convert boolean-valued attributes given as strings, at any depth of a resource or PATCH value. */
export function normalizeBooleans(value: unknown, key?: string): unknown {
  if (Array.isArray(value)) return value.map((v) => normalizeBooleans(v, key));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, normalizeBooleans(v, k)]));
  }
  return key !== undefined && BOOLEAN_ATTRIBUTES.has(lastSegment(key)) ? toBoolean(value) : value;
}

type PatchOperation = { op?: unknown; path?: unknown; value?: unknown };

const TYPED_VALUE_PATH = /^(emails|phoneNumbers|addresses|ims|photos)\[type eq "([^"]+)"\]\.(\w+)$/i;

/**
 * Normalise a PATCH body against the resource as it is now (`current`, the SCIM representation).
 * Returns a new body; the input is not modified.
 */
export function normalizePatch(body: unknown, current: Record<string, unknown>): unknown {
  if (!body || typeof body !== "object" || Array.isArray(body)) return body;
  const msg = { ...(body as Record<string, unknown>) };
  if (msg.schemas === undefined) msg.schemas = [PATCH_OP_SCHEMA];
  if (!Array.isArray(msg.Operations)) return msg;
  msg.Operations = msg.Operations.map((raw: unknown) => {
    if (!raw || typeof raw !== "object" || Array.isArray(raw)) return raw;
    const op = { ...(raw as PatchOperation) };
    if (typeof op.op === "string") op.op = op.op.trim().toLowerCase();
    if (typeof op.path === "string") {
      op.path = op.path.trim();
      if (BOOLEAN_ATTRIBUTES.has(lastSegment(op.path as string))) op.value = toBoolean(op.value);
      else op.value = normalizeBooleans(op.value);
      // Entra removes members with {op:Remove, path:members, value:[{value, $ref:null}]}: match on value alone.
      if (op.op === "remove" && /^members$/i.test(op.path as string) && Array.isArray(op.value)) {
        op.value = op.value.map((m: unknown) =>
          m && typeof m === "object" && "value" in m ? { value: (m as { value: unknown }).value } : m,
        );
      }
      const typed = TYPED_VALUE_PATH.exec(op.path as string);
      if (typed && (op.op === "replace" || op.op === "add")) {
        const [, attr, type, sub] = typed as unknown as [string, string, string, string];
        const key = Object.keys(current).find((k) => k.toLowerCase() === attr.toLowerCase());
        const list = key && Array.isArray(current[key]) ? (current[key] as Record<string, unknown>[]) : [];
        const hasType = list.some((e) => typeof e?.type === "string" && e.type.toLowerCase() === type.toLowerCase());
        if (!hasType) return { op: "add", path: attr, value: [{ type, [sub]: op.value }] };
      }
    } else {
      op.value = normalizeBooleans(op.value);
    }
    return op;
  });
  return msg;
}
