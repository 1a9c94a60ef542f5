import { extendZodWithOpenApi, OpenAPIRegistry, type RouteConfig } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import type { Role } from "@/lib/auth/roles";
import { describeError, type ErrorCode } from "@/lib/errors";

// `.openapi(...)` on zod schemas (`.meta({ id, description, example })` works without it too).
extendZodWithOpenApi(z);

/**
 * The one registry of the REST API. Each resource registers its paths in
 * lib/api/openapi/paths/<resource>.ts (with registerApiPath below, using the SAME zod schemas as its
 * route handlers) and adds an import line to lib/api/openapi/paths/index.ts.
 */
export const registry = new OpenAPIRegistry();

export const BEARER_AUTH = "bearerAuth";
registry.registerComponent("securitySchemes", BEARER_AUTH, {
  type: "http",
  scheme: "bearer",
  bearerFormat: "gh_live_…",
  description:
    "An API key from Settings → API keys (or `npm run gatehouse -- api-keys:create`). Sent as `Authorization: Bearer gh_live_…`. " +
    "A key has a role and a scope. Its role is at most its creator's role when it was made (operator keys: admin, or owner with `--role owner`); " +
    "each request acts with the lower of that and the creator's current role, so removing, disabling or demoting the creator limits the key at once. " +
    "Each operation names the least role it needs (`x-min-role`); below it the answer is 403 `FORBIDDEN`. " +
    "Scope `read_only` keys may only read (GET); `read_write` keys may also change what their role allows. " +
    "Owner-only: creating connections and changing what they trust (IdP metadata and certificates, account linking, verified-domain rule, SHA-1, default role, role mappings), SSO enforcement and one-call tenant setup.",
});

export const OPERATOR_AUTH = "operatorAuth";
registry.registerComponent("securitySchemes", OPERATOR_AUTH, {
  type: "http",
  scheme: "bearer",
  bearerFormat: "gh_op_…",
  description:
    "An operator key of this Gatehouse instance (`npm run gatehouse -- operator-keys:create --name N`), sent as `Authorization: Bearer gh_op_…`. " +
    "It alone reaches the instance level (`/api/v1/organizations`, `/api/v1/apps`, `/api/v1/instance/webhooks`: `x-min-role: operator`). " +
    "It also reaches every workspace-scoped operation of any organization, as that organization's owner, under the organization's path: " +
    "`/api/v1/organizations/{id}/connections`, `/api/v1/organizations/{id}/members/{member_id}`, … (the same operations, bodies and answers as `/api/v1/connections` and the others). " +
    "Without the organization in the path a workspace-scoped operation answers 400 `ORGANIZATION_REQUIRED`; a workspace key at the instance level or under an organization's path answers 403 `OPERATOR_KEY_REQUIRED`.",
});

export const MetaSchema = registry.register(
  "Meta",
  z.object({
    request_id: z.string().meta({ description: "Also sent as the X-Request-Id header.", example: "req_4f1c2a9e0b7d3c5e8a6f1b2d" }),
    timestamp: z.string().meta({ format: "date-time" }),
  }),
);

export const ListMetaSchema = registry.register(
  "ListMeta",
  z.object({
    request_id: z.string(),
    timestamp: z.string().meta({ format: "date-time" }),
    next_cursor: z.string().nullable().meta({ description: "Pass as `cursor` to get the next page; null on the last page." }),
  }),
);

export const ErrorSchema = registry.register(
  "Error",
  z.object({
    error: z.object({
      code: z
        .string()
        .meta({ description: "Stable machine-readable code (assert on this, not on the message).", example: "VALIDATION_FAILED" }),
      message: z.string(),
      hint: z.string().meta({ description: "What to do about it." }),
      fields: z
        .array(z.object({ path: z.string().meta({ example: "email_domain" }), message: z.string() }))
        .optional()
        .meta({ description: "For VALIDATION_FAILED: each invalid field, by dotted path." }),
      detail: z.record(z.string(), z.unknown()).optional().meta({ description: "Safe expected/actual values, when useful." }),
    }),
    meta: MetaSchema,
  }),
);

const REQUEST_ID_HEADER_DOC = {
  "X-Request-Id": { description: "The request ID (also in meta.request_id).", schema: { type: "string" as const } },
};

export type ApiPathSpec = {
  method: "get" | "post" | "put" | "patch" | "delete";
  /** OpenAPI form, e.g. "/api/v1/connections/{id}". */
  path: string;
  summary: string;
  description?: string;
  tags: string[];
  params?: z.ZodObject;
  /** A z.object, or an apiSchema(...) derived from one. */
  query?: z.ZodType;
  body?: z.ZodType;
  /** Schema of `data` (for lists: of one item). */
  response: z.ZodType;
  list?: boolean;
  /** Success status (default 200). */
  status?: number;
  successDescription?: string;
  /** Accepts Idempotency-Key (POST). */
  idempotent?: boolean;
  /** Codes beyond the standard ones (401, 429, 500; 404 with params; 422 with body/query). */
  errors?: ErrorCode[];
  /** No API key needed (only the document itself). */
  public?: boolean;
  /** The least role a key must act with (the same value the route declares in apiRoute({ minRole })); "operator": operator keys only. */
  minRole?: Role | "operator";
};

/** Register one REST API operation with the standard envelope, security and error responses. */
export function registerApiPath(spec: ApiPathSpec): void {
  const dataSchema = spec.list ? z.array(spec.response) : spec.response;
  const envelope = z.object({ data: dataSchema, meta: spec.list ? ListMetaSchema : MetaSchema });

  const operator = spec.minRole === "operator";
  const codes = new Set<ErrorCode>(spec.public ? ["INTERNAL"] : ["INVALID_API_KEY", "RATE_LIMITED", "INTERNAL"]);
  if (operator) codes.add("OPERATOR_KEY_REQUIRED");
  else if (!spec.public) codes.add("ORGANIZATION_REQUIRED");
  if (spec.params) codes.add("NOT_FOUND");
  if (spec.body || spec.query) codes.add("VALIDATION_FAILED");
  if (spec.body) codes.add("BAD_REQUEST");
  if (spec.idempotent) {
    codes.add("IDEMPOTENCY_KEY_REUSED");
    codes.add("IDEMPOTENCY_IN_PROGRESS");
  }
  if (!spec.public && !operator) codes.add("FORBIDDEN");
  for (const c of spec.errors ?? []) codes.add(c);
  if (!spec.public && !spec.minRole) throw new Error(`registerApiPath: ${spec.method} ${spec.path} needs minRole`);
  const roleNote = operator
    ? "Needs an **operator key** (instance level); workspace keys answer 403 `OPERATOR_KEY_REQUIRED`."
    : spec.minRole
      ? `Needs a key acting as **${spec.minRole}** or above${spec.method === "get" ? "" : ", with the `read_write` scope"}. An operator key calls it as \`/api/v1/organizations/{id}${spec.path.replace(/^\/api\/v1/, "")}\`.`
      : null;

  const byStatus = new Map<number, ErrorCode[]>();
  for (const c of codes) {
    const s = describeError(c).status;
    byStatus.set(s, [...(byStatus.get(s) ?? []), c]);
  }

  const responses: RouteConfig["responses"] = {
    [String(spec.status ?? 200)]: {
      description: spec.successDescription ?? "Success.",
      headers: REQUEST_ID_HEADER_DOC,
      content: { "application/json": { schema: envelope } },
    },
  };
  for (const [status, list] of [...byStatus.entries()].sort(([a], [b]) => a - b)) {
    const headers: Record<string, { description: string; schema: { type: "string" | "integer" } }> = { ...REQUEST_ID_HEADER_DOC };
    if (status === 429) headers["Retry-After"] = { description: "Seconds to wait before retrying.", schema: { type: "integer" } };
    responses[String(status)] = {
      description: list.map((c) => `\`${c}\`: ${describeError(c).message}`).join(" "),
      headers,
      content: { "application/json": { schema: ErrorSchema } },
    };
  }

  const headerParams = spec.idempotent
    ? z.object({
        "Idempotency-Key": z
          .string()
          .max(255)
          .optional()
          .meta({ description: "Any unique string (e.g. a UUID). A retry with the same key and body returns the first result for 24 h." }),
      })
    : undefined;

  registry.registerPath({
    method: spec.method,
    path: spec.path,
    summary: spec.summary,
    description: [spec.description, roleNote].filter(Boolean).join("\n\n") || undefined,
    ...(spec.minRole ? { "x-min-role": spec.minRole } : {}),
    tags: spec.tags,
    security: spec.public ? [] : operator ? [{ [OPERATOR_AUTH]: [] }] : [{ [BEARER_AUTH]: [] }, { [OPERATOR_AUTH]: [] }],
    request: {
      params: spec.params,
      query: spec.query as NonNullable<RouteConfig["request"]>["query"],
      headers: headerParams,
      body: spec.body ? { required: true, content: { "application/json": { schema: spec.body } } } : undefined,
    },
    responses,
  });
}
