/** Typed result of the API-key server actions. */
export type { ActionResult } from "@/lib/http/action-result";
