import { randomBytes } from "node:crypto";
import type { Db } from "@/db";
import { createDevIdp, type CreateResponseOptions, type DevIdp } from "@/lib/dev-idp";
import { connectionCreateSchema, type ConnectionCreateInput } from "@/lib/schemas/connections";
import { newSsoCookieValue, ssoNonceCookieName } from "@/lib/http/sso-cookies";
import { memberActor, type Actor } from "@/lib/services/actor";
import { createConnection, type Connection } from "@/lib/services/connections";
import { startSamlLogin } from "@/lib/services/saml-login";
import { listPublishedSpCertificates } from "@/lib/services/sp-keys";
import { spValues } from "@/lib/services/sp-values";
import { createWorkspace, type Workspace } from "@/lib/services/workspaces";
import type { User } from "@/lib/services/users";
import type { TestBrowser } from "./test-browser";

export const TEST_APP_URL = "http://localhost:3999";

/** A workspace with a connection to a fresh dev IdP, and helpers that drive real signed round trips. */
export type SamlKit = {
  db: Db;
  workspace: Workspace;
  owner: User;
  idp: DevIdp;
  connection: Connection;
  sp: ReturnType<typeof spValues>;
  /** SP-initiated start; the dev IdP parses and verifies the AuthnRequest against the SP metadata certs. */
  login: (opts?: {
    returnTo?: string;
    test?: boolean;
    userId?: string;
    now?: Date;
    /** The browser that starts the sign-in: it gets the login nonce cookie (as from the login route). */
    browser?: TestBrowser;
  }) => Promise<{ requestId: string; relayState: string; signatureVerified: boolean; nonce: string }>;
  /** A signed SAMLResponse for this connection (defaults: email NameID, first/last name attributes). */
  respond: (opts?: Partial<CreateResponseOptions> & { email?: string }) => string;
};

export async function makeSamlKit(db: Db, opts: Partial<ConnectionCreateInput> = {}): Promise<SamlKit> {
  const id = randomBytes(4).toString("hex");
  const { workspace, owner } = await createWorkspace(db, {
    slug: `ws-${id}`,
    name: `WS ${id}`,
    ownerEmail: `owner-${id}@ws-${id}.test`,
    ownerPassword: "correct horse battery",
  });
  const { idp, connection } = await addSamlConnection(db, workspace.id, memberActor(owner.id, "owner"), opts);
  const sp = spValues(TEST_APP_URL, connection.slug);
  return {
    db,
    workspace,
    owner,
    idp,
    connection,
    sp,
    async login(o = {}) {
      const nonce = newSsoCookieValue();
      o.browser?.set(ssoNonceCookieName(), nonce);
      const start = await startSamlLogin(db, {
        browserNonce: nonce,
        slug: connection.slug,
        returnTo: o.returnTo,
        test: o.test,
        userId: o.userId,
        appUrl: TEST_APP_URL,
        now: o.now,
      });
      const certs = await listPublishedSpCertificates(db, connection.id);
      const parsed =
        start.binding === "redirect"
          ? idp.parseAuthnRequest({ binding: "redirect", query: start.url, spCertificatesPem: certs })
          : idp.parseAuthnRequest({
              binding: "post",
              samlRequest: start.fields.SAMLRequest,
              relayState: start.fields.RelayState,
              spCertificatesPem: certs,
            });
      return { requestId: parsed.id, relayState: parsed.relayState ?? "", signatureVerified: parsed.signatureVerified, nonce };
    },
    respond(o = {}) {
      const email = o.email ?? `user-${randomBytes(3).toString("hex")}@corp-${id}.test`;
      return idp.createResponse({
        acsUrl: sp.acsUrl,
        audience: sp.entityId,
        nameId: email,
        attributes: { firstName: "Ada", lastName: "Lovelace", groups: ["engineering"] },
        ...o,
      });
    },
  };
}

/**
 * A connection of `workspaceId` to a fresh dev IdP, made by `actor` (its trust is approved by them),
 * with `respond` for signed responses to it. For scenarios with several IdPs in one workspace.
 */
export async function addSamlConnection(db: Db, workspaceId: string, actor: Actor, opts: Partial<ConnectionCreateInput> = {}) {
  const id = randomBytes(4).toString("hex");
  const idp = createDevIdp({ entityId: `https://idp-${id}.test/entity` });
  const connection = await createConnection(
    db,
    workspaceId,
    connectionCreateSchema.parse({
      name: `IdP ${id}`,
      slug: `c-${id}`,
      metadataXml: idp.metadataXml(`https://idp-${id}.test/sso`),
      allowIdpInitiated: true,
      ...opts,
    } satisfies ConnectionCreateInput),
    actor,
  );
  const sp = spValues(TEST_APP_URL, connection.slug);
  const respond = (o: Partial<CreateResponseOptions> & { email?: string } = {}) => {
    const email = o.email ?? `user-${randomBytes(3).toString("hex")}@corp-${id}.test`;
    return idp.createResponse({ acsUrl: sp.acsUrl, audience: sp.entityId, nameId: email, ...o });
  };
  return { idp, connection, sp, respond };
}
