import { OpenApiGeneratorV31 } from "@asteasolutions/zod-to-openapi";
import { registry } from "./registry";
import "./paths";

type Document = ReturnType<OpenApiGeneratorV31["generateDocument"]>;
const cache = new Map<string, Document>();

export const API_DESCRIPTION = [
  "Manage Gatehouse SSO from scripts: SAML connections, SP keys, role mappings, domains, members, enforcement and sign-in events; and, with an operator key, organizations and applications (OpenID Connect clients).",
  "",
  "**Authentication.** Send an API key as `Authorization: Bearer gh_live_…`. Keys are created by workspace owners and admins in Settings → API keys and only ever see their own workspace: any other id answers 404.",
  "",
  "**Operator keys (instance level).** The operator's backend uses an operator key (`gh_op_…`, made with `npm run gatehouse -- operator-keys:create --name N`): it manages organizations (`/api/v1/organizations`) and applications (`/api/v1/apps`), and reaches every workspace-scoped operation of any organization, as its owner, under the organization's path: `/api/v1/organizations/{id}/connections`, `/api/v1/organizations/{id}/members`, and so on. A workspace key never reaches the instance level (403 `OPERATOR_KEY_REQUIRED`).",
  "",
  "**Envelope.** Success: `{ data, meta: { request_id, timestamp } }`; lists add `meta.next_cursor` (pass it back as `cursor`). Errors: `{ error: { code, message, hint, fields? }, meta }` with a stable `code`. Every response carries `X-Request-Id` (an incoming sane `X-Request-Id` is kept).",
  "",
  "**Errors.** 401 `INVALID_API_KEY` (missing, unknown or revoked key), 404 `NOT_FOUND`, 409 conflicts (`VERSION_CONFLICT` for a stale `version` on PATCH, `SLUG_TAKEN`, `CONNECTION_NAME_TAKEN`, `DOMAIN_TAKEN`), 422 `VALIDATION_FAILED` with `fields[].path`, 429 `RATE_LIMITED` with `Retry-After` (600 requests per minute per key), 5xx never carry internals: quote the request ID to your operator.",
  "",
  "**Idempotency.** POST operations accept an `Idempotency-Key` header: a retry with the same key and the same body within 24 h returns the first result (same status and body, header `Idempotent-Replayed: true`); the same key with a different request answers 422 `IDEMPOTENCY_KEY_REUSED`, and while the first is still running 409 `IDEMPOTENCY_IN_PROGRESS`.",
].join("\n");

/** The OpenAPI 3.1 document, built once per server URL. */
export function buildOpenApiDocument(serverUrl: string): Document {
  let doc = cache.get(serverUrl);
  if (!doc) {
    doc = new OpenApiGeneratorV31(registry.definitions).generateDocument({
      openapi: "3.1.0",
      info: { title: "Gatehouse REST API", version: "1.0.0", description: API_DESCRIPTION },
      servers: [{ url: serverUrl }],
      security: [{ bearerAuth: [] }],
    });
    cache.set(serverUrl, doc);
  }
  return doc;
}
