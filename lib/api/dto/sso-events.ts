import type { z } from "zod";
import type { SsoEvent } from "@/db/schema";
import type { ssoEventDtoSchema } from "@/lib/schemas/sso-events";

export type SsoEventDto = z.infer<typeof ssoEventDtoSchema>;

export function toSsoEventDto(e: SsoEvent): SsoEventDto {
  return {
    id: e.id,
    connection_id: e.connectionId,
    outcome: e.outcome,
    error_code: e.errorCode,
    email: e.email,
    flow: e.flow,
    test_mode: e.testMode,
    user_id: e.userId,
    ip: e.ip,
    detail: e.detail,
    created_at: e.createdAt.toISOString(),
  };
}
