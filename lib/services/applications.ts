import { randomBytes } from "node:crypto";
import { asc, eq } from "drizzle-orm";
import type { Db } from "@/db";
import { applications, connections, oidcLogoutDeliveries, type Application } from "@/db/schema";
import { openSecret, sealSecret } from "@/lib/crypto/secret-box";
import { AppError } from "@/lib/errors";
import {
  applicationCreateSchema,
  applicationUpdateSchema,
  clientIdSchema,
  type ApplicationCreateInput,
  type ApplicationUpdateInput,
} from "@/lib/schemas/applications";
import { revokeClientGrants } from "./oidc-grants";

export type { Application };

/**
 * Applications (OIDC clients) of this Gatehouse instance. The client secret exists in clear only in
 * the return value of create/rotate; at rest it is sealed with ENCRYPTION_KEY because the provider
 * must compare it (and client_secret_jwt uses it as an HMAC key).
 */
export const CLIENT_ID_PREFIX = "app_";

function newClientId(): string {
  return CLIENT_ID_PREFIX + randomBytes(18).toString("base64url");
}

function newClientSecret(): string {
  return randomBytes(32).toString("base64url");
}

export async function createApplication(
  db: Db,
  input: ApplicationCreateInput,
): Promise<{ application: Application; clientSecret: string }> {
  const data = applicationCreateSchema.parse(input);
  const clientSecret = newClientSecret();
  const [application] = await db
    .insert(applications)
    .values({
      clientId: newClientId(),
      name: data.name,
      clientSecretEncrypted: sealSecret(clientSecret),
      redirectUris: data.redirectUris,
      postLogoutRedirectUris: data.postLogoutRedirectUris,
      backchannelLogoutUri: data.backchannelLogoutUri ?? null,
      initiateLoginUri: data.initiateLoginUri ?? null,
    })
    .returning();
  return { application: application!, clientSecret };
}

export async function listApplications(db: Db): Promise<Application[]> {
  return db.select().from(applications).orderBy(asc(applications.createdAt), asc(applications.id));
}

export async function findApplicationByClientId(db: Db, clientId: string): Promise<Application | undefined> {
  if (!clientIdSchema.safeParse(clientId).success) return undefined;
  const [row] = await db.select().from(applications).where(eq(applications.clientId, clientId));
  return row;
}

export async function findApplicationById(db: Db, id: string): Promise<Application | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const [row] = await db.select().from(applications).where(eq(applications.id, id));
  return row;
}

/** By client_id ("app_…") or by id (uuid); unknown → NOT_FOUND. */
export async function getApplicationOrThrow(db: Db, clientIdOrId: string): Promise<Application> {
  const app = clientIdOrId.startsWith(CLIENT_ID_PREFIX)
    ? await findApplicationByClientId(db, clientIdOrId)
    : await findApplicationById(db, clientIdOrId);
  if (!app)
    throw new AppError("NOT_FOUND", {
      message: "No application with this client_id.",
      fields: [{ path: "client_id", message: "Unknown client_id" }],
    });
  return app;
}

export async function updateApplication(
  db: Db,
  clientIdOrId: string,
  input: ApplicationUpdateInput,
  now = new Date(),
): Promise<Application> {
  const app = await getApplicationOrThrow(db, clientIdOrId);
  const data = applicationUpdateSchema.parse(input);
  const [row] = await db
    .update(applications)
    .set({
      ...(data.name !== undefined ? { name: data.name } : {}),
      ...(data.redirectUris !== undefined ? { redirectUris: data.redirectUris } : {}),
      ...(data.postLogoutRedirectUris !== undefined ? { postLogoutRedirectUris: data.postLogoutRedirectUris } : {}),
      ...(data.backchannelLogoutUri !== undefined ? { backchannelLogoutUri: data.backchannelLogoutUri } : {}),
      ...(data.initiateLoginUri !== undefined ? { initiateLoginUri: data.initiateLoginUri } : {}),
      updatedAt: now,
    })
    .where(eq(applications.id, app.id))
    .returning();
  return row!;
}

/** A new secret; the old one stops working at once (tokens already issued stay valid). */
export async function rotateApplicationSecret(
  db: Db,
  clientIdOrId: string,
  now = new Date(),
): Promise<{ application: Application; clientSecret: string }> {
  const app = await getApplicationOrThrow(db, clientIdOrId);
  const clientSecret = newClientSecret();
  const [row] = await db
    .update(applications)
    .set({ clientSecretEncrypted: sealSecret(clientSecret), secretRotatedAt: now, updatedAt: now })
    .where(eq(applications.id, app.id))
    .returning();
  return { application: row!, clientSecret };
}

/** Delete the application and everything it holds: its grants, codes and tokens, pending logouts. */
export async function deleteApplication(db: Db, clientIdOrId: string): Promise<Application> {
  const app = await getApplicationOrThrow(db, clientIdOrId);
  await db.transaction(async (tx) => {
    await revokeClientGrants(tx, app.clientId);
    await tx.delete(oidcLogoutDeliveries).where(eq(oidcLogoutDeliveries.clientId, app.clientId));
    await tx.update(connections).set({ defaultApplicationId: null }).where(eq(connections.defaultApplicationId, app.id));
    await tx.delete(applications).where(eq(applications.id, app.id));
  });
  return app;
}

/**
 * The provider's view of an application (OIDC client metadata): a confidential web client doing the
 * authorization code flow (PKCE enforced by the provider), refresh tokens allowed, auth_time always
 * in the ID token. `initiate_login_uri` stays Gatehouse's own (the provider requires https there, and
 * only Gatehouse's IdP-initiated landing uses it).
 */
export function toClientMetadata(app: Application): Record<string, unknown> {
  return {
    client_id: app.clientId,
    client_secret: openSecret(app.clientSecretEncrypted),
    client_name: app.name,
    application_type: "web",
    redirect_uris: app.redirectUris,
    post_logout_redirect_uris: app.postLogoutRedirectUris,
    response_types: ["code"],
    grant_types: ["authorization_code", "refresh_token"],
    token_endpoint_auth_method: "client_secret_basic",
    id_token_signed_response_alg: "RS256",
    require_auth_time: true,
    ...(app.backchannelLogoutUri ? { backchannel_logout_uri: app.backchannelLogoutUri, backchannel_logout_session_required: false } : {}),
  };
}
