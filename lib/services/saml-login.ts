import type { Db } from "@/db";
import { AppError, isAppError } from "@/lib/errors";
import { buildAuthnRequest } from "@/lib/saml";
import { safeRelativePath } from "@/lib/schemas/connections";
import { storeAuthnRequest } from "./authn-requests";
import { hashBrowserSecret } from "./login-tickets";
import { isConnectionConfigured } from "./connection-health";
import { findConnectionBySlug } from "./connections";
import { maybeRefreshStaleMetadata } from "./idp-metadata";
import { getActiveSigningKey } from "./sp-keys";
import { spValues } from "./sp-values";
import { getWorkspaceAccess } from "./workspaces";
import { setupLinkTestingConnection } from "./setup-link-test";

export type SamlLoginStart =
  | { binding: "redirect"; url: string; requestId: string }
  | { binding: "post"; action: string; fields: { SAMLRequest: string; RelayState: string }; requestId: string };

/**
 * SP-initiated sign-in (GET /auth/sso/saml/{slug}/login): store the AuthnRequest and build the
 * signed request for the IdP. `test` runs the flow in test mode and needs an admin of the workspace.
 * `browserNonce` is the starting browser's login nonce (a cookie the route sets): only its hash is
 * stored, and the login ticket of this sign-in is redeemed only where that cookie is sent.
 */
export async function startSamlLogin(
  db: Db,
  input: {
    slug: string;
    returnTo?: string | null;
    test?: boolean;
    userId?: string | null;
    /** A test started from a setup link's page (its cookie's token): allowed on that link's own connections only. */
    setupLinkToken?: string | null;
    browserNonce: string;
    appUrl: string;
    now?: Date;
  },
): Promise<SamlLoginStart> {
  const now = input.now ?? new Date();
  const found = await findConnectionBySlug(db, input.slug);
  if (!found) throw new AppError("SAML_NOT_FOUND");
  const { connection, workspace } = found;
  const test = input.test === true;
  let setupLinkId: string | null = null;
  if (test && !input.userId && input.setupLinkToken) {
    setupLinkId = await setupLinkTestingConnection(db, input.setupLinkToken, connection.id, now);
    if (!setupLinkId) throw new AppError("SAML_NOT_FOUND");
  } else if (test) {
    // Only an admin of this workspace may test; anyone else sees the connection as absent.
    if (!input.userId) throw new AppError("SAML_NOT_FOUND");
    try {
      await getWorkspaceAccess(db, input.userId, workspace.slug, "admin");
    } catch (e) {
      if (isAppError(e)) throw new AppError("SAML_NOT_FOUND");
      throw e;
    }
  } else if (!connection.active) {
    throw new AppError("SAML_INACTIVE");
  }
  if (!isConnectionConfigured(connection)) throw new AppError("SAML_NOT_CONFIGURED");
  void maybeRefreshStaleMetadata(db, connection, now);

  const returnTo = safeRelativePath(input.returnTo ?? null);
  const stored = await storeAuthnRequest(db, {
    connectionId: connection.id,
    returnTo,
    testMode: test,
    browserNonceHash: hashBrowserSecret(input.browserNonce),
    setupLinkId,
    now,
  });
  const sp = spValues(input.appUrl, connection.slug);
  const key = await getActiveSigningKey(db, connection.id);
  const binding = connection.idpSsoUrlRedirect ? "redirect" : "post";
  const built = buildAuthnRequest({
    id: stored.id,
    spEntityId: sp.entityId,
    acsUrl: sp.acsUrl,
    idpSsoUrl: (binding === "redirect" ? connection.idpSsoUrlRedirect : connection.idpSsoUrlPost)!,
    binding,
    signingKeyPem: key.privateKeyPem,
    relayState: stored.relayState,
    now,
  });
  if (built.binding === "redirect") return { binding: "redirect", url: built.url, requestId: stored.id };
  return { binding: "post", action: built.action, fields: built.fields, requestId: stored.id };
}
