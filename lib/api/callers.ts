import type { Db } from "@/db";
import { AppError, isAppError } from "@/lib/errors";
import type { Role } from "@/lib/auth/roles";
import type { ApiKeyScope } from "@/lib/schemas/api-keys";
import { apiKeyActor, OPERATOR, type Actor } from "@/lib/services/actor";
import { authenticateApiKey } from "@/lib/services/api-keys";
import { authenticateOperatorKey, looksLikeOperatorKey } from "@/lib/services/operator-keys";
import { getOrganizationOrThrow } from "@/lib/services/organizations";
import { hitRateLimit, ipRateLimitKey, peekRateLimit, type RateLimitRule } from "@/lib/services/rate-limit";
import type { Workspace } from "@/lib/services/workspaces";
import { ORGANIZATION_SCOPE_HEADER } from "./request-id";

/**
 * Who calls the REST API. A workspace key (gh_live_…) reaches its own workspace only. An operator key
 * (gh_op_…) reaches the instance level (organizations, applications) and, at
 * /api/v1/organizations/{id}/…, any organization's resources as that organization's owner would.
 * A workspace key can never reach the instance level, and an operator key always names its organization.
 */
export type Caller = {
  kind: "workspace_key" | "operator_key";
  key: { id: string; name: string; role: Role; scope: ApiKeyScope };
  actor: Actor;
  /** Rate limits and idempotency are kept per key. */
  rateLimitKey: string;
};

/** Invalid keys per client IP, checked before any key lookup (a guessing client is stopped early). */
export const INVALID_KEY_RATE_LIMIT: RateLimitRule = { limit: 20, windowSeconds: 5 * 60 };
export const invalidKeyRateLimitKey = (ip: string) => ipRateLimitKey("api:invalid-key", ip);

/** `Authorization: Bearer <key>` → the key, else null. */
export function bearerToken(req: Request): string | null {
  const h = req.headers.get("authorization");
  const m = h?.match(/^Bearer[ \t]+(\S+)[ \t]*$/i);
  return m ? m[1]! : null;
}

/**
 * A client IP over the invalid-key limit gets 429 before its key is looked up; each invalid key
 * it presents counts against it.
 */
async function countingInvalid<T>(db: Db, ip: string | null, authenticate: () => Promise<T>): Promise<T> {
  if (ip) {
    const state = await peekRateLimit(db, invalidKeyRateLimitKey(ip), INVALID_KEY_RATE_LIMIT);
    if (state.count >= INVALID_KEY_RATE_LIMIT.limit) {
      throw new AppError("RATE_LIMITED", {
        message: "Too many requests with an invalid API key.",
        headers: { "Retry-After": String(state.retryAfterSeconds) },
      });
    }
  }
  try {
    return await authenticate();
  } catch (e) {
    if (ip && isAppError(e) && e.code === "INVALID_API_KEY") await hitRateLimit(db, invalidKeyRateLimitKey(ip), INVALID_KEY_RATE_LIMIT);
    throw e;
  }
}

/** A workspace-scoped route: the key's workspace, or the organization an operator key names in the path. */
export async function workspaceCaller(db: Db, req: Request, ip: string | null): Promise<Caller & { workspace: Workspace }> {
  const token = bearerToken(req);
  const organization = req.headers.get(ORGANIZATION_SCOPE_HEADER);
  if (looksLikeOperatorKey(token)) {
    const key = await countingInvalid(db, ip, () => authenticateOperatorKey(db, token));
    if (!organization) throw new AppError("ORGANIZATION_REQUIRED");
    const workspace = await getOrganizationOrThrow(db, organization);
    return { ...operatorCaller(key, ip), workspace };
  }
  const { apiKey, workspace } = await countingInvalid(db, ip, () => authenticateApiKey(db, token));
  if (organization) throw new AppError("OPERATOR_KEY_REQUIRED");
  return {
    kind: "workspace_key",
    key: { id: apiKey.id, name: apiKey.name, role: apiKey.role, scope: apiKey.scope },
    actor: apiKeyActor(apiKey.id, apiKey.role, apiKey.createdBy, ip),
    rateLimitKey: `api:key:${apiKey.id}`,
    workspace,
  };
}

/** An instance-level route (organizations, applications): operator keys only. */
export async function operatorOnlyCaller(db: Db, req: Request, ip: string | null): Promise<Caller> {
  const token = bearerToken(req);
  if (!looksLikeOperatorKey(token)) {
    // A valid workspace key is told what it lacks; anything else is just an invalid key.
    await countingInvalid(db, ip, () => authenticateApiKey(db, token));
    throw new AppError("OPERATOR_KEY_REQUIRED");
  }
  return operatorCaller(await countingInvalid(db, ip, () => authenticateOperatorKey(db, token)), ip);
}

function operatorCaller(key: { id: string; name: string }, ip: string | null): Caller {
  return {
    kind: "operator_key",
    // The operator acts as owner of every organization (as the CLI does).
    key: { id: key.id, name: key.name, role: "owner", scope: "read_write" },
    actor: { ...OPERATOR, ip },
    rateLimitKey: `api:operator:${key.id}`,
  };
}
