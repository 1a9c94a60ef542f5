/** Typed result of the API-key server actions. */
export type { ActionError, ActionResult } from "@/lib/http/action-result";

/** A key as the console shows it (never the hash; the key itself only right after creation). */
export type ApiKeyView = {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  createdBy: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
};
