import { ZodError } from "zod";
import type { Db } from "@/db";
import type { Directory } from "@/db/schema";
import { AppError, isAppError, isUniqueViolation } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { isScimmyError, scimError, scimErrorBody, SCIM_TYPE_OF_CODE, type ScimType } from "@/lib/scim/errors";
import { redactScimBody } from "@/lib/scim/redact";
import { BASE_PLACEHOLDER, scimmy } from "@/lib/scim/scimmy";
import { recordAudit } from "../audit";
import { authenticateDirectoryToken, findDirectoryForLog, recordScimRequest, scimBaseUrl } from "../directories";
import { nudgeJob } from "../jobs";
import { hitRateLimit, ipRateLimitKey, peekRateLimit, type RateLimitRule } from "../rate-limit";
import { WEBHOOK_DELIVERY_JOB } from "../webhooks";
import { isUuid, parseScimQuery, type ScimContext } from "./common";
import { createGroup, deleteGroup, getGroup, listGroups, patchGroup, putGroup } from "./groups";
import { createUser, deleteUser, getUser, listUsers, patchUser, replaceUser } from "./users";

export const SCIM_CONTENT_TYPE = "application/scim+json; charset=utf-8";
/** Largest body accepted (a group PATCH with a thousand members fits easily). */
export const SCIM_MAX_BODY_BYTES = 2 * 1024 * 1024;
/** Requests with a wrong token per client IP, counted before any token lookup. */
export const SCIM_INVALID_TOKEN_LIMIT: RateLimitRule = { limit: 20, windowSeconds: 5 * 60 };
/**
 * Requests per directory (shared by every instance). Okta and Entra send bursts during a full sync
 * but honour 429 with Retry-After and resume, so a burst is slowed down, never lost.
 */
export const SCIM_DIRECTORY_LIMIT: RateLimitRule = { limit: 1200, windowSeconds: 60 };

export type ScimHttpRequest = {
  method: string;
  directoryId: string;
  /** Path segments below the directory's base URL, e.g. ["Users", "<id>"]. */
  path: string[];
  search: URLSearchParams;
  authorization: string | null;
  body: string;
  /** The body was over SCIM_MAX_BODY_BYTES and was not read to the end. */
  bodyTooLarge?: boolean;
  ip: string | null;
  appUrl: string;
  now?: Date;
};

export type ScimHttpResponse = { status: number; headers: Record<string, string>; body: string | null };

type Outcome = {
  status: number;
  body?: unknown;
  location?: string;
  /** Gatehouse's error code, also sent as X-Gatehouse-Error-Code. */
  code?: string;
  scimType?: ScimType | null;
  detail?: string;
  headers?: Record<string, string>;
};

function bearer(h: string | null): string | null {
  const m = h?.match(/^Bearer[ \t]+(\S+)[ \t]*$/i);
  return m ? m[1]! : null;
}

function parseBody(text: string): unknown {
  if (!text.trim()) throw scimError(400, "invalidSyntax", "The request has no body.");
  try {
    return JSON.parse(text);
  } catch {
    throw scimError(400, "invalidSyntax", "The request body is not valid JSON.");
  }
}

function rateLimited(retryAfterSeconds: number): AppError {
  return new AppError("RATE_LIMITED", { headers: { "Retry-After": String(Math.max(1, retryAfterSeconds)) } });
}

function errorOutcome(e: unknown): Outcome {
  if (isScimmyError(e)) {
    return { status: e.status, scimType: (e.scimType as ScimType) ?? null, detail: e.message };
  }
  if (isAppError(e)) {
    const values = e.detail ? Object.entries(e.detail).filter(([, v]) => typeof v === "string" || typeof v === "number") : [];
    const detail = [e.message, values.length ? `(${values.map(([k, v]) => `${k}: ${v}`).join(", ")})` : "", e.hint]
      .filter(Boolean)
      .join(" ");
    return { status: e.status, code: e.code, scimType: SCIM_TYPE_OF_CODE[e.code] ?? null, detail, headers: e.headers };
  }
  if (e instanceof ZodError) {
    return {
      status: 400,
      code: "VALIDATION_FAILED",
      scimType: "invalidValue",
      detail: e.issues.map((i) => `${i.path.join(".") || "value"}: ${i.message}`).join("; "),
    };
  }
  if (isUniqueViolation(e)) return { status: 409, scimType: "uniqueness", detail: "A resource with these values already exists." };
  logger.error("scim request failed", { err: e });
  return { status: 500, code: "INTERNAL", detail: "Something went wrong on our side; try again." };
}

async function dispatch(db: Db, directory: Directory, req: ScimHttpRequest, now: Date): Promise<Outcome> {
  const S = scimmy();
  const method = req.method.toUpperCase();
  const [resource, id, ...rest] = req.path;
  if (rest.length || !resource) throw scimError(404, null, "No such SCIM endpoint.");
  const ctx: ScimContext = { db, directory, now, ip: req.ip };
  const inTx = <T>(fn: (c: ScimContext) => Promise<T>) => db.transaction((tx) => fn({ ...ctx, db: tx }));
  const notAllowed = () => scimError(405 as never, null, `${method} is not supported here.`);

  switch (resource.toLowerCase()) {
    case "users":
    case "groups": {
      const kind = resource.toLowerCase() === "users" ? "User" : "Group";
      const q = parseScimQuery(kind, req.search);
      if (method === "GET") {
        if (!id) return { status: 200, body: kind === "User" ? await listUsers(ctx, q) : await listGroups(ctx, q) };
        return { status: 200, body: kind === "User" ? await getUser(ctx, id, q.attributes) : await getGroup(ctx, id, q) };
      }
      if (method === "POST" && !id) {
        const body = parseBody(req.body);
        const created = await inTx((c) => (kind === "User" ? createUser(c, body) : createGroup(c, body)));
        return { status: 201, body: created, location: `${BASE_PLACEHOLDER}/${resource}/${created.id}` };
      }
      if (!id) throw notAllowed();
      if (method === "PUT") {
        const body = parseBody(req.body);
        const out = await inTx(async (c) => {
          if (kind === "Group") return putGroup(c, id, body, q.attributes);
          await replaceUser(c, id, body);
          return getUser(c, id, q.attributes);
        });
        return { status: 200, body: out };
      }
      if (method === "PATCH") {
        const body = parseBody(req.body);
        if (kind === "User") return { status: 200, body: await inTx((c) => patchUser(c, id, body, q.attributes)) };
        // Groups: 204 (RFC 7644 §3.5.2 allows it; Okta and Entra expect it), unless attributes were asked for.
        await inTx((c) => patchGroup(c, id, body));
        if (req.search.has("attributes")) return { status: 200, body: await getGroup(ctx, id, q) };
        return { status: 204 };
      }
      if (method === "DELETE") {
        await inTx((c) => (kind === "User" ? deleteUser(c, id) : deleteGroup(c, id)));
        return { status: 204 };
      }
      throw notAllowed();
    }
    case "serviceproviderconfig":
      if (method !== "GET" || id) throw notAllowed();
      return { status: 200, body: await new S.Resources.ServiceProviderConfig().read() };
    case "resourcetypes":
      if (method !== "GET") throw notAllowed();
      return { status: 200, body: await (id ? new S.Resources.ResourceType(id) : new S.Resources.ResourceType()).read() };
    case "schemas":
      if (method !== "GET") throw notAllowed();
      return { status: 200, body: await (id ? new S.Resources.Schema(id) : new S.Resources.Schema()).read() };
    case "bulk":
      throw scimError(501, null, "Bulk operations are not supported (see ServiceProviderConfig).");
    default:
      throw scimError(404, null, "No such SCIM endpoint.");
  }
}

/**
 * One request to `{APP_URL}/api/scim/v2/{directoryId}/…`: bearer token of exactly that directory
 * (anything else is 401), the directory must be on (403), then Users/Groups/discovery. Every request
 * of a known directory lands in its request log (secrets removed); changes nudge webhook delivery.
 */
export async function handleScimRequest(db: Db, req: ScimHttpRequest): Promise<ScimHttpResponse> {
  const started = Date.now();
  const now = req.now ?? new Date();
  const method = req.method.toUpperCase();
  let directory: Directory | undefined;
  let outcome: Outcome;
  try {
    if (req.bodyTooLarge || Buffer.byteLength(req.body, "utf8") > SCIM_MAX_BODY_BYTES) throw new AppError("PAYLOAD_TOO_LARGE");
    const invalidKey = req.ip ? ipRateLimitKey("scim:invalid-token", req.ip) : null;
    if (invalidKey) {
      const seen = await peekRateLimit(db, invalidKey, SCIM_INVALID_TOKEN_LIMIT, now);
      if (seen.count >= SCIM_INVALID_TOKEN_LIMIT.limit) throw rateLimited(seen.retryAfterSeconds);
    }
    const authed = isUuid(req.directoryId)
      ? await authenticateDirectoryToken(db, req.directoryId.toLowerCase(), bearer(req.authorization), now)
      : null;
    if (!authed) {
      if (invalidKey) await hitRateLimit(db, invalidKey, SCIM_INVALID_TOKEN_LIMIT, now);
      directory = isUuid(req.directoryId) ? await findDirectoryForLog(db, req.directoryId.toLowerCase()) : undefined;
      throw new AppError("SCIM_UNAUTHORIZED");
    }
    directory = authed;
    const limit = await hitRateLimit(db, `scim:directory:${authed.id}`, SCIM_DIRECTORY_LIMIT, now);
    if (!limit.allowed) throw rateLimited(limit.retryAfterSeconds);
    if (!authed.active) throw new AppError("SCIM_DIRECTORY_INACTIVE");
    outcome = await dispatch(db, authed, req, now);
  } catch (e) {
    outcome = errorOutcome(e);
  }

  const path = `/${req.path.join("/")}${[...req.search.keys()].length ? `?${req.search.toString()}` : ""}`;
  if (directory) {
    try {
      if (outcome.code === "SCIM_LAST_OWNER") {
        await recordAudit(
          db,
          directory.workspaceId,
          { userId: null, ip: req.ip },
          {
            action: "member.deprovision_refused",
            targetType: "directory_user",
            targetId: req.path[1] ?? null,
            after: { why: "last_owner", directoryId: directory.id, method, path },
          },
        );
      }
      await recordScimRequest(db, {
        directoryId: directory.id,
        method,
        path,
        status: outcome.status,
        scimType: outcome.scimType ?? null,
        error: outcome.status >= 400 ? [outcome.code, outcome.detail].filter(Boolean).join(": ") : null,
        durationMs: Date.now() - started,
        requestBody: method === "GET" || method === "DELETE" ? null : redactScimBody(req.body),
        at: now,
      });
    } catch (err) {
      logger.error("scim request log failed", { err });
    }
  }
  if (outcome.status < 400 && method !== "GET") nudgeJob(WEBHOOK_DELIVERY_JOB);

  const base = scimBaseUrl(req.appUrl, req.directoryId.toLowerCase());
  const headers: Record<string, string> = { "Content-Type": SCIM_CONTENT_TYPE, "Cache-Control": "no-store", ...outcome.headers };
  if (outcome.code) headers["X-Gatehouse-Error-Code"] = outcome.code;
  if (outcome.location) headers.Location = outcome.location.split(BASE_PLACEHOLDER).join(base);
  if (outcome.status === 401) headers["WWW-Authenticate"] = 'Bearer realm="SCIM"';
  let body: string | null = null;
  if (outcome.status >= 400) body = JSON.stringify(scimErrorBody(outcome.status, outcome.detail ?? "Error", outcome.scimType));
  else if (outcome.status !== 204 && outcome.body !== undefined) body = JSON.stringify(outcome.body).split(BASE_PLACEHOLDER).join(base);
  return { status: outcome.status, headers, body };
}
