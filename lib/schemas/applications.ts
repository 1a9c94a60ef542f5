import { z } from "zod";

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * A URL an application registers (redirect, post-logout redirect, back-channel logout, initiate
 * login): absolute, https (http only on a loopback host, for local development), no fragment, no
 * credentials. Redirect URIs are then matched exactly.
 */
export function isAllowedApplicationUrl(value: string): boolean {
  if (value.includes("#")) return false;
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return false;
  }
  if (u.username || u.password) return false;
  if (u.protocol === "https:") return true;
  return u.protocol === "http:" && LOOPBACK_HOSTS.has(u.hostname);
}

const applicationUrl = z
  .string()
  .trim()
  .max(2000, "At most 2000 characters")
  .refine(isAllowedApplicationUrl, "Use an absolute https:// URL without a fragment (http:// only for localhost, 127.0.0.1 or [::1])");

export const applicationNameSchema = z.string().trim().min(1, "Required").max(100, "At most 100 characters");

/** Register an application (CLI `apps:create`, management API `POST /api/v1/apps`). */
export const applicationCreateSchema = z.object({
  name: applicationNameSchema,
  redirectUris: z.array(applicationUrl).min(1, "At least one redirect URI").max(20, "At most 20 redirect URIs"),
  postLogoutRedirectUris: z.array(applicationUrl).max(20, "At most 20 post-logout redirect URIs").default([]),
  backchannelLogoutUri: applicationUrl.nullish(),
  initiateLoginUri: applicationUrl.nullish(),
});
export type ApplicationCreateInput = z.input<typeof applicationCreateSchema>;

/** Change an application: every field optional; null clears an optional URI. */
export const applicationUpdateSchema = z.object({
  name: applicationNameSchema.optional(),
  redirectUris: z.array(applicationUrl).min(1, "At least one redirect URI").max(20, "At most 20 redirect URIs").optional(),
  postLogoutRedirectUris: z.array(applicationUrl).max(20, "At most 20 post-logout redirect URIs").optional(),
  backchannelLogoutUri: applicationUrl.nullish(),
  initiateLoginUri: applicationUrl.nullish(),
});
export type ApplicationUpdateInput = z.input<typeof applicationUpdateSchema>;

/** client_id as issued: "app_" and 24 base64url characters. */
export const clientIdSchema = z.string().regex(/^app_[A-Za-z0-9_-]{24}$/, "Not a client_id");

export const applicationDtoSchema = z
  .object({
    id: z.string(),
    client_id: z.string().meta({ example: "app_Q2x8kZ0aVb3nR7tY1mW4eJ6c" }),
    name: z.string(),
    redirect_uris: z.array(z.string()),
    post_logout_redirect_uris: z.array(z.string()),
    backchannel_logout_uri: z.string().nullable(),
    initiate_login_uri: z.string().nullable(),
    issuer: z.string().meta({ description: "The OpenID Connect issuer (discovery at `{issuer}/.well-known/openid-configuration`)." }),
    created_at: z.string(),
    updated_at: z.string(),
    secret_rotated_at: z.string().nullable(),
  })
  .meta({ id: "Application" });
export type ApplicationDto = z.infer<typeof applicationDtoSchema>;

/** Create and rotate-secret answers: the secret, shown this once (an idempotent replay answers `client_secret: null`). */
export const applicationWithSecretDtoSchema = applicationDtoSchema
  .extend({
    client_secret: z.string().nullable().meta({ description: "Shown once; store it now. null in an idempotent replay." }),
  })
  .meta({ id: "ApplicationWithSecret" });
