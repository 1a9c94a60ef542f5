/** Typed result of the API-key server actions. */
export type ActionError = { ok: false; code: string; message: string; hint: string; fields?: Record<string, string> };
export type ActionResult<T extends object> = ({ ok: true } & T) | ActionError;

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
