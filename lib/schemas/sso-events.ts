import { z } from "zod";

/** Filter sign-in attempts (the console's event log and GET /api/v1/sso-events); newest first, by cursor. */
export const ssoEventListSchema = z.object({
  connectionId: z.uuid().optional().meta({ description: "Only this connection's events." }),
  outcome: z.enum(["success", "failure"]).optional().meta({ description: "success or failure." }),
  email: z.string().trim().max(320).optional().meta({ description: "Exact email (case-insensitive)." }),
  since: z.coerce.date().optional().meta({ description: "ISO 8601 time; events at or after it." }),
  until: z.coerce.date().optional().meta({ description: "ISO 8601 time; events before it." }),
  cursor: z.string().max(200).optional().meta({ description: "meta.next_cursor of the previous page." }),
  limit: z.coerce.number().int().min(1).max(200).optional().meta({ description: "Page size, 1–200 (default 50)." }),
});
export type SsoEventFilter = z.output<typeof ssoEventListSchema>;

// ── Output shape (documented in OpenAPI; produced by lib/api/dto/sso-events.ts) ───────────────────
export const ssoEventDtoSchema = z.object({
  id: z.string(),
  connection_id: z.string().nullable(),
  outcome: z.enum(["success", "failure"]),
  error_code: z.string().nullable(),
  email: z.string().nullable(),
  flow: z.enum(["sp", "idp"]).nullable(),
  test_mode: z.boolean(),
  user_id: z.string().nullable(),
  ip: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
  created_at: z.string(),
});
