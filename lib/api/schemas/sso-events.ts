import { z } from "zod";
import { ssoEventListQuerySchema } from "@/lib/schemas/connections";

/**
 * GET /api/v1/sso-events query: the service's filter schema, plus `connection` as a short alias of
 * `connection_id`.
 */
export const apiSsoEventListQuerySchema = ssoEventListQuerySchema.extend({
  connection_id: ssoEventListQuerySchema.shape.connection_id.meta({ description: "Only this connection's events." }),
  connection: z.guid().optional().meta({ description: "Alias of connection_id." }),
  outcome: ssoEventListQuerySchema.shape.outcome.meta({ description: "success or failure." }),
  email: ssoEventListQuerySchema.shape.email.meta({ description: "Exact email (case-insensitive)." }),
  since: ssoEventListQuerySchema.shape.since.meta({ description: "ISO 8601 time; events at or after it." }),
  until: ssoEventListQuerySchema.shape.until.meta({ description: "ISO 8601 time; events before it." }),
  cursor: ssoEventListQuerySchema.shape.cursor.meta({ description: "meta.next_cursor of the previous page." }),
  limit: ssoEventListQuerySchema.shape.limit.meta({ description: "Page size, 1–200 (default 50)." }),
});
