import type { z } from "zod";
import type { Db } from "@/db";
import { AppError } from "@/lib/errors";
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  hashIdempotentRequest,
  isValidIdempotencyKey,
  releaseIdempotencyKey,
} from "@/lib/services/idempotency";

/** Largest JSON body accepted (IdP metadata XML inside JSON fits easily). */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Query string → object (last value wins), validated when a schema is given (ZodError → 422). */
export function readQuery(req: Request, schema: z.ZodType | undefined): unknown {
  const raw = Object.fromEntries(new URL(req.url).searchParams.entries());
  return schema ? schema.parse(raw) : raw;
}

/**
 * Read and validate the JSON body. Unreadable JSON → 400 BAD_REQUEST; too large → 413; an empty
 * body is validated as `{}` so the 422 names every required field.
 */
export async function readJsonBody(req: Request, schema: z.ZodType): Promise<{ raw: unknown; body: unknown }> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw new AppError("PAYLOAD_TOO_LARGE");
  const text = await req.text();
  if (Buffer.byteLength(text, "utf8") > MAX_BODY_BYTES) throw new AppError("PAYLOAD_TOO_LARGE");
  let raw: unknown = {};
  if (text.trim() !== "") {
    try {
      raw = JSON.parse(text);
    } catch {
      throw new AppError("BAD_REQUEST", { message: "The request body is not valid JSON." });
    }
  }
  return { raw, body: schema.parse(raw) };
}

/** `storedBody`, when given, is what is stored for replays instead of `body` (secrets left out). */
type Outcome = { status: number; body: unknown; headers: Record<string, string>; storedBody?: unknown };

/**
 * Run `run` at most once per (API key, Idempotency-Key): a retry of the same request gets the stored
 * status and body back (header `Idempotent-Replayed: true`); 4xx results are stored too (the retry
 * would fail the same way), 5xx are not (the retry runs again).
 */
export async function runIdempotent(
  db: Db,
  req: { apiKeyId: string; key: string; method: string; url: string; raw: unknown },
  run: () => Promise<Outcome>,
): Promise<Outcome> {
  if (!isValidIdempotencyKey(req.key)) {
    throw new AppError("VALIDATION_FAILED", {
      fields: [{ path: "Idempotency-Key", message: "Use 1–255 visible ASCII characters, e.g. a UUID." }],
    });
  }
  const hash = hashIdempotentRequest(req.method, new URL(req.url).pathname, req.raw ?? null);
  const claim = await claimIdempotencyKey(db, req.apiKeyId, req.key, hash);
  if (claim.kind === "replay") {
    return { status: claim.statusCode, body: claim.response, headers: { "Idempotent-Replayed": "true" } };
  }
  let outcome: Outcome;
  try {
    outcome = await run();
  } catch (e) {
    await releaseIdempotencyKey(db, req.apiKeyId, req.key).catch(() => {});
    throw e;
  }
  if (outcome.status >= 500) {
    await releaseIdempotencyKey(db, req.apiKeyId, req.key);
  } else {
    await completeIdempotencyKey(db, req.apiKeyId, req.key, outcome.status, outcome.storedBody ?? outcome.body);
  }
  return outcome;
}
