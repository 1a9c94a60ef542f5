import type { SsoEventView } from "@/components/sso/types";
import type { SsoEvent } from "@/lib/services/sso-events";

/** The event fields the console shows (detail holds safe expected/actual values only). */
export function toEventView(e: SsoEvent): SsoEventView {
  return {
    id: e.id,
    outcome: e.outcome,
    errorCode: e.errorCode,
    email: e.email,
    flow: e.flow,
    testMode: e.testMode,
    createdAt: e.createdAt.toISOString(),
    detail: e.detail ?? {},
  };
}
