import type { z } from "zod";
import type { Db } from "@/db";
import { AppError } from "@/lib/errors";
import { hasRole, type Role } from "@/lib/auth/roles";
import type { ApiKeyScope } from "@/lib/schemas/api-keys";
import { getReadyDb } from "@/server/bootstrap";
import { clientIp } from "@/lib/http/client-ip";
import { logger } from "@/lib/logger";
import type { Actor } from "@/lib/services/actor";
import { hitRateLimit, type RateLimitRule } from "@/lib/services/rate-limit";
import { assertWorkspaceIpAllowed } from "@/lib/services/ip-allowlist";
import type { Workspace } from "@/lib/services/workspaces";
import { operatorOnlyCaller, workspaceCaller, type Caller } from "./callers";
import { readJsonBody, readQuery, runIdempotent } from "./request";
import { errorResponse, errorResult, jsonResponse, successBody } from "./responses";
import { resolveRequestId } from "./request-id";

/** Per API key, shared by every instance (Postgres-backed fixed window). */
export const API_RATE_LIMIT: RateLimitRule = { limit: 600, windowSeconds: 60 };
export const apiRateLimitKey = (apiKeyId: string) => `api:key:${apiKeyId}`;
export { INVALID_KEY_RATE_LIMIT, invalidKeyRateLimitKey } from "./callers";

type Schema = z.ZodType;
type Out<S, Fallback> = S extends Schema ? z.output<S> : Fallback;

export type ApiContext<B = unknown, Q = unknown, P = Record<string, string>> = {
  db: Db;
  /** The API key's workspace: every service call is scoped to it (other ids → NOT_FOUND). */
  workspace: Workspace;
  /** The key; an operator key acts as owner of the organization in its path (read_write). */
  apiKey: { id: string; name: string; role: Role; scope: ApiKeyScope };
  caller: Caller["kind"];
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

export type ApiRouteOptions<
  BS extends Schema | undefined,
  QS extends Schema | undefined,
  PS extends Schema | undefined,
> = ApiRouteOptionsBase<BS, QS, PS> & {
  /**
   * The least role a key must act with (min of the key's role and its creator's current role) to call
   * this route; below → 403 FORBIDDEN. Services still refuse finer-grained changes (e.g. trust: owner).
   */
  minRole: Role;
};

export type ApiRouteOptionsBase<BS extends Schema | undefined, QS extends Schema | undefined, PS extends Schema | undefined> = {
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
/** An API route handler, with the least role it declared ("operator": instance level; read by the OpenAPI test). */
export type ApiRouteHandler = RouteHandler & { minRole: Role | "operator" };

const READ_METHODS = new Set(["GET", "HEAD"]);

type Authorized = Caller & { workspace?: Workspace };
type AnyCtx = Record<string, unknown>;

/**
 * The common path of every authenticated REST route: request ID, the database, who calls (and the
 * per-IP limit on invalid keys), per-key rate limit, zod validation, optional idempotency, the JSON
 * envelope and error mapping.
 */
function serve(
  opts: ApiRouteOptionsBase<Schema | undefined, Schema | undefined, Schema | undefined>,
  authorize: (db: Db, req: Request, ip: string | null) => Promise<Authorized>,
  fn: (ctx: AnyCtx) => Promise<ApiResult>,
): RouteHandler {
  return async (req, routeCtx) => {
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
      const caller = await authorize(db, req, ip);

      const limit = await hitRateLimit(db, caller.rateLimitKey, opts.rateLimit ?? API_RATE_LIMIT);
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

      const ctx: AnyCtx = {
        db,
        ...(caller.workspace ? { workspace: caller.workspace } : {}),
        apiKey: caller.key,
        caller: caller.kind,
        actor: caller.actor,
        requestId,
        ip,
        body,
        query,
        params,
        req,
      };

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
          ? await runIdempotent(db, { apiKeyId: caller.key.id, key: idemKey, method: req.method, url: req.url, raw }, run)
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
}

/**
 * Wrap a workspace-scoped REST API route: `serve` with the caller's workspace (a workspace key's own,
 * or the organization an operator key names in /api/v1/organizations/{id}/…), and the key's scope and
 * role against `minRole`. `fn` returns `{ data, status?, nextCursor? }`.
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
  const authorize = async (db: Db, req: Request, ip: string | null): Promise<Authorized> => {
    const caller = await workspaceCaller(db, req, ip);
    // A workspace key is bound by its workspace's IP allowlist (operator keys are the instance's, not the workspace's).
    if (caller.kind === "workspace_key") await assertWorkspaceIpAllowed(db, caller.workspace, null, ip);
    const apiKey = caller.key;
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
    return caller;
  };
  return Object.assign(serve(opts, authorize, fn as (ctx: AnyCtx) => Promise<ApiResult>), { minRole: opts.minRole });
}

/** What an instance-level route sees: no workspace; the operator key acting as the operator. */
export type OperatorContext<B = unknown, Q = unknown, P = Record<string, string>> = Omit<ApiContext<B, Q, P>, "workspace">;

/**
 * Wrap an instance-level REST route (organizations, applications): operator keys only (a workspace
 * key gets 403 OPERATOR_KEY_REQUIRED). Same envelope, request IDs, limits and idempotency.
 */
export function operatorRoute<
  BS extends Schema | undefined = undefined,
  QS extends Schema | undefined = undefined,
  PS extends Schema | undefined = undefined,
>(
  opts: ApiRouteOptionsBase<BS, QS, PS>,
  fn: (ctx: OperatorContext<Out<BS, undefined>, Out<QS, Record<string, string>>, Out<PS, Record<string, string>>>) => Promise<ApiResult>,
): ApiRouteHandler {
  return Object.assign(serve(opts, operatorOnlyCaller, fn as (ctx: AnyCtx) => Promise<ApiResult>), { minRole: "operator" as const });
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
