import type { z } from "zod";
import type { Db } from "@/db";
import { AppError, isAppError } from "@/lib/errors";
import { hasRole, type Role } from "@/lib/auth/roles";
import type { ApiKeyScope } from "@/lib/schemas/api-keys";
import { getReadyDb } from "@/server/bootstrap";
import { clientIp } from "@/lib/http/client-ip";
import { logger } from "@/lib/logger";
import { apiKeyActor, type Actor } from "@/lib/services/actor";
import { authenticateApiKey } from "@/lib/services/api-keys";
import { hitRateLimit, ipRateLimitKey, peekRateLimit, type RateLimitRule } from "@/lib/services/rate-limit";
import type { Workspace } from "@/lib/services/workspaces";
import { readJsonBody, readQuery, runIdempotent } from "./request";
import { errorResponse, errorResult, jsonResponse, successBody } from "./responses";
import { resolveRequestId } from "./request-id";

/** Per API key, shared by every instance (Postgres-backed fixed window). */
export const API_RATE_LIMIT: RateLimitRule = { limit: 600, windowSeconds: 60 };
export const apiRateLimitKey = (apiKeyId: string) => `api:key:${apiKeyId}`;
/** Invalid keys per client IP, checked before any key lookup (a guessing client is stopped early). */
export const INVALID_KEY_RATE_LIMIT: RateLimitRule = { limit: 20, windowSeconds: 5 * 60 };
export const invalidKeyRateLimitKey = (ip: string) => ipRateLimitKey("api:invalid-key", ip);

type Schema = z.ZodType;
type Out<S, Fallback> = S extends Schema ? z.output<S> : Fallback;

export type ApiContext<B = unknown, Q = unknown, P = Record<string, string>> = {
  db: Db;
  /** The API key's workspace: every service call is scoped to it (other ids → NOT_FOUND). */
  workspace: Workspace;
  apiKey: { id: string; name: string; role: Role; scope: ApiKeyScope };
  /** The key acting with its effective role (for services and recordAudit). */
  actor: Actor;
  requestId: string;
  ip: string | null;
  body: B;
  query: Q;
  params: P;
  req: Request;
};

export type ApiResult = {
  data: unknown;
  /** Default 200 (201 is usual for POST that creates). */
  status?: number;
  /** Lists: the cursor of the next page, or null on the last page (→ meta.next_cursor). */
  nextCursor?: string | null;
  /**
   * What the idempotency store keeps and a replay returns instead of `data`, when `data` carries a
   * secret shown once (e.g. an invitation link): never store secrets in clear.
   */
  replayData?: unknown;
  headers?: Record<string, string>;
};

export type ApiRouteOptions<BS extends Schema | undefined, QS extends Schema | undefined, PS extends Schema | undefined> = {
  /**
   * The least role a key must act with (min of the key's role and its creator's current role) to call
   * this route; below → 403 FORBIDDEN. Services still refuse finer-grained changes (e.g. trust: owner).
   */
  minRole: Role;
  /** JSON body schema. Invalid → 422 VALIDATION_FAILED with field paths; unreadable JSON → 400 BAD_REQUEST. */
  body?: BS;
  /** Query-string schema (values arrive as strings: use z.coerce for numbers). Invalid → 422. */
  query?: QS;
  /** Path-parameter schema (e.g. { id: z.uuid() }). Invalid → 404 NOT_FOUND: such a resource cannot exist. */
  params?: PS;
  /** POST only: honour the Idempotency-Key header (a retry returns the first result). */
  idempotent?: boolean;
  rateLimit?: RateLimitRule;
};

export type RouteContext = { params: Promise<Record<string, string>> };
export type RouteHandler = (req: Request, ctx?: RouteContext) => Promise<Response>;
/** An API route handler, with the least role it declared (read by the OpenAPI test). */
export type ApiRouteHandler = RouteHandler & { minRole: Role };

const READ_METHODS = new Set(["GET", "HEAD"]);

/**
 * Wrap a REST API route: request ID, per-IP limit on invalid keys, Bearer API key, the key's scope
 * and role against `minRole`, per-key rate limit, zod validation, optional idempotency, the JSON
 * envelope and error mapping. `fn` returns `{ data, status?, nextCursor? }`.
 *
 *   export const GET = apiRoute({ minRole: "viewer", query: listQuery }, async (ctx) => {
 *     const page = await listThings(ctx.db, ctx.workspace.id, ctx.query);
 *     return { data: page.items.map(toThingDto), nextCursor: page.nextCursor };
 *   });
 */
export function apiRoute<
  BS extends Schema | undefined = undefined,
  QS extends Schema | undefined = undefined,
  PS extends Schema | undefined = undefined,
>(
  opts: ApiRouteOptions<BS, QS, PS>,
  fn: (ctx: ApiContext<Out<BS, undefined>, Out<QS, Record<string, string>>, Out<PS, Record<string, string>>>) => Promise<ApiResult>,
): ApiRouteHandler {
  const handler: RouteHandler = async (req, routeCtx) => {
    const requestId = resolveRequestId(req.headers);
    const started = Date.now();
    let status = 500;
    try {
      let db: Db;
      try {
        db = await getReadyDb();
      } catch (e) {
        throw new AppError("DB_UNAVAILABLE", { cause: e });
      }
      const ip = clientIp(req.headers);
      const { apiKey, workspace } = await authenticateOrCount(db, bearerToken(req), ip);
      if (apiKey.scope === "read_only" && !READ_METHODS.has(req.method)) {
        throw new AppError("FORBIDDEN", {
          message: "This API key is read-only.",
          hint: "Use a key with the read_write scope to change anything.",
          detail: { scope: apiKey.scope },
        });
      }
      if (!hasRole(apiKey.role, opts.minRole)) {
        throw new AppError("FORBIDDEN", {
          hint: `This needs a key acting as ${opts.minRole} or above; this key acts as ${apiKey.role} (the lower of its own role and its creator's current role).`,
          detail: { requiredRole: opts.minRole, role: apiKey.role },
        });
      }

      const limit = await hitRateLimit(db, apiRateLimitKey(apiKey.id), opts.rateLimit ?? API_RATE_LIMIT);
      if (!limit.allowed) {
        throw new AppError("RATE_LIMITED", { headers: { "Retry-After": String(limit.retryAfterSeconds) } });
      }

      const rawParams = (await routeCtx?.params) ?? {};
      let params: unknown = rawParams;
      if (opts.params) {
        const parsed = opts.params.safeParse(rawParams);
        if (!parsed.success) throw new AppError("NOT_FOUND");
        params = parsed.data;
      }
      const query = readQuery(req, opts.query);
      const { raw, body } = opts.body ? await readJsonBody(req, opts.body) : { raw: undefined, body: undefined };

      const ctx = {
        db,
        workspace,
        apiKey: { id: apiKey.id, name: apiKey.name, role: apiKey.role, scope: apiKey.scope },
        actor: apiKeyActor(apiKey.id, apiKey.role, apiKey.createdBy, ip),
        requestId,
        ip,
        body,
        query,
        params,
        req,
      } as ApiContext<Out<BS, undefined>, Out<QS, Record<string, string>>, Out<PS, Record<string, string>>>;

      const run = async (): Promise<{ status: number; body: unknown; headers: Record<string, string>; storedBody?: unknown }> => {
        try {
          const result = await fn(ctx);
          return {
            status: result.status ?? 200,
            body: successBody(result.data, requestId, result.nextCursor),
            headers: result.headers ?? {},
            ...(result.replayData !== undefined ? { storedBody: successBody(result.replayData, requestId, result.nextCursor) } : {}),
          };
        } catch (e) {
          const r = errorResult(e, requestId);
          return { status: r.status, body: r.body, headers: r.headers };
        }
      };

      const idemKey = req.headers.get("idempotency-key");
      const outcome =
        opts.idempotent && req.method === "POST" && idemKey !== null
          ? await runIdempotent(db, { apiKeyId: apiKey.id, key: idemKey, method: req.method, url: req.url, raw }, run)
          : await run();
      status = outcome.status;
      return jsonResponse(outcome.body, outcome.status, requestId, outcome.headers);
    } catch (e) {
      const r = errorResult(e, requestId);
      status = r.status;
      return jsonResponse(r.body, r.status, requestId, r.headers);
    } finally {
      logger.debug("api request", { requestId, method: req.method, path: new URL(req.url).pathname, status, ms: Date.now() - started });
    }
  };
  return Object.assign(handler, { minRole: opts.minRole });
}

/**
 * A client IP over the invalid-key limit gets 429 before its key is looked up; each invalid key
 * it presents counts against it.
 */
async function authenticateOrCount(db: Db, token: string | null, ip: string | null) {
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
    return await authenticateApiKey(db, token);
  } catch (e) {
    if (ip && isAppError(e) && e.code === "INVALID_API_KEY") await hitRateLimit(db, invalidKeyRateLimitKey(ip), INVALID_KEY_RATE_LIMIT);
    throw e;
  }
}

/** `Authorization: Bearer <key>` → the key, else null. */
function bearerToken(req: Request): string | null {
  const h = req.headers.get("authorization");
  const m = h?.match(/^Bearer[ \t]+(\S+)[ \t]*$/i);
  return m ? m[1]! : null;
}

/** Routes without an API key (only GET /api/v1/openapi.json): request ID and error mapping. */
export function publicApiRoute(
  fn: (req: Request, requestId: string) => Promise<Response | { data: unknown; raw?: boolean }>,
): RouteHandler {
  return async (req) => {
    const requestId = resolveRequestId(req.headers);
    try {
      const out = await fn(req, requestId);
      if (out instanceof Response) {
        out.headers.set("X-Request-Id", requestId);
        return out;
      }
      return jsonResponse(out.raw ? out.data : successBody(out.data, requestId), 200, requestId);
    } catch (e) {
      return errorResponse(e, requestId);
    }
  };
}
