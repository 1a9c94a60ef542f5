import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { inflateRawSync } from "node:zlib";
import { eq } from "drizzle-orm";
import type { Db } from "@/db";
import { connections, workspaces } from "@/db/schema";
import { createDevIdp, spEncryptionCertificateFromMetadata, type DevIdp } from "@/lib/dev-idp";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { generateSpKeyPair } from "@/lib/saml";
import { safeRelativePath } from "@/lib/schemas/connections";
import { findConnectionBySlug } from "./connections";
import { listPublishedSpCertificates } from "./sp-keys";
import { spValues } from "./sp-values";
import { getSpMetadata } from "./sp-metadata";

/**
 * The built-in IdP served at /dev/idp outside production. Its key pair lives in DATA_DIR/dev-idp.json
 * so connections to it (the demo "Demo IdP") keep working across restarts and across instances
 * sharing a data directory.
 */
type Keys = { privateKeyPem: string; certificatePem: string };
type Global = typeof globalThis & { __gatehouseDevIdp?: { key: string; idp: DevIdp } };

export function devIdpEnabled(): boolean {
  return env().appEnv !== "production";
}

export function devIdpUrls(appUrl: string) {
  const base = `${appUrl.replace(/\/+$/, "")}/dev/idp`;
  return { entityId: base, ssoUrl: `${base}/sso`, sloUrl: `${base}/slo`, metadataUrl: `${base}/metadata`, launcherUrl: base };
}

function loadKeys(dataDir: string): Keys {
  const file = path.join(dataDir, "dev-idp.json");
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as Keys;
  mkdirSync(dataDir, { recursive: true });
  const pair = generateSpKeyPair({ commonName: "Gatehouse Dev IdP" });
  const keys = { privateKeyPem: pair.privateKeyPem, certificatePem: pair.certificatePem };
  try {
    writeFileSync(file, JSON.stringify(keys, null, 2), { mode: 0o600, flag: "wx" });
    return keys;
  } catch {
    return JSON.parse(readFileSync(file, "utf8")) as Keys; // another process wrote it first
  }
}

export function getDevIdp(appUrl = env().appUrl): DevIdp {
  if (!devIdpEnabled()) throw new AppError("NOT_FOUND");
  const g = globalThis as Global;
  const key = `${env().dataDir}|${appUrl}`;
  if (g.__gatehouseDevIdp?.key !== key) {
    g.__gatehouseDevIdp = { key, idp: createDevIdp({ entityId: devIdpUrls(appUrl).entityId, ...loadKeys(env().dataDir) }) };
  }
  return g.__gatehouseDevIdp.idp;
}

export function getDevIdpMetadataXml(appUrl = env().appUrl): string {
  return getDevIdp(appUrl).metadataXml(devIdpUrls(appUrl).ssoUrl, devIdpUrls(appUrl).sloUrl);
}

export type DevIdpRequest = { requestId: string; slug: string; relayState: string | null; connectionName: string; workspaceName: string };

/** Read an incoming AuthnRequest (either binding) and verify its signature against the SP metadata certs. */
export async function readDevIdpAuthnRequest(
  db: Db,
  input: { binding: "redirect"; query: string } | { binding: "post"; samlRequest: string; relayState: string | null },
  appUrl = env().appUrl,
): Promise<DevIdpRequest> {
  const idp = getDevIdp(appUrl);
  const first = idp.parseAuthnRequest(input);
  const prefix = `${appUrl}/auth/sso/saml/`;
  const slug = first.issuer?.startsWith(prefix) ? first.issuer.slice(prefix.length) : null;
  const found = slug ? await findConnectionBySlug(db, slug) : undefined;
  if (!found)
    throw new AppError("SAML_NOT_FOUND", {
      message: "The AuthnRequest comes from a service provider this IdP does not know.",
      detail: { issuer: first.issuer },
    });
  const certs = await listPublishedSpCertificates(db, found.connection.id);
  const verified = idp.parseAuthnRequest({ ...input, spCertificatesPem: certs });
  if (!verified.signatureVerified)
    throw new AppError("SAML_SIGNATURE_INVALID", { detail: { reason: "AuthnRequest signature not verified" } });
  const sp = spValues(appUrl, found.connection.slug);
  if (verified.acsUrl && verified.acsUrl !== sp.acsUrl)
    throw new AppError("SAML_RECIPIENT_MISMATCH", { detail: { expected: sp.acsUrl, actual: verified.acsUrl } });
  return {
    requestId: verified.id,
    slug: found.connection.slug,
    relayState: verified.relayState,
    connectionName: found.connection.name,
    workspaceName: found.workspace.name,
  };
}

/** Connections (any workspace) whose IdP is this built-in IdP: the launcher's choices. */
export async function listDevIdpConnections(db: Db, appUrl = env().appUrl) {
  const entityId = devIdpUrls(appUrl).entityId;
  return db
    .select({
      slug: connections.slug,
      name: connections.name,
      workspaceName: workspaces.name,
      allowIdpInitiated: connections.allowIdpInitiated,
      active: connections.active,
    })
    .from(connections)
    .innerJoin(workspaces, eq(workspaces.id, connections.workspaceId))
    .where(eq(connections.idpEntityId, entityId))
    .orderBy(workspaces.name, connections.name);
}

export type DevIdpUser = { email: string; firstName: string; lastName: string; groups: string[] };

export function parseDevIdpUser(form: { get(name: string): unknown }): DevIdpUser {
  const text = (k: string, max = 200) =>
    String(form.get(k) ?? "")
      .trim()
      .slice(0, max);
  const email = text("email", 320).toLowerCase();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
    throw new AppError("VALIDATION_FAILED", {
      message: "Enter a valid email address.",
      fields: [{ path: "email", message: "Enter a valid email address" }],
    });
  const groups = text("groups", 2000)
    .split(",")
    .map((g) => g.trim())
    .filter(Boolean)
    .slice(0, 50);
  return { email, firstName: text("first_name"), lastName: text("last_name"), groups };
}

/** A signed response for `slug` (SP-initiated when requestId is given, else unsolicited). */
export async function buildDevIdpResponse(
  db: Db,
  input: { slug: string; requestId: string | null; relayState: string | null; user: DevIdpUser; now?: Date },
  appUrl = env().appUrl,
): Promise<{ acsUrl: string; fields: { SAMLResponse: string; RelayState?: string } }> {
  const idp = getDevIdp(appUrl);
  const found = await findConnectionBySlug(db, input.slug);
  if (!found) throw new AppError("SAML_NOT_FOUND");
  const sp = spValues(appUrl, found.connection.slug);
  const attributes: Record<string, string | string[]> = { email: input.user.email };
  if (input.user.firstName) attributes.firstName = input.user.firstName;
  if (input.user.lastName) attributes.lastName = input.user.lastName;
  if (input.user.groups.length) attributes.groups = input.user.groups;
  const fields = {
    acsUrl: sp.acsUrl,
    audience: sp.entityId,
    inResponseTo: input.requestId,
    nameId: input.user.email,
    attributes,
    sign: "both" as const,
    now: input.now,
  };
  // Like an IdP configured from the SP metadata: encrypt when the SP publishes an encryption certificate.
  const encryptTo = spEncryptionCertificateFromMetadata((await getSpMetadata(db, found.connection.slug, appUrl)).xml);
  const samlResponse = encryptTo ? await idp.createEncryptedResponse(fields, { certificatePem: encryptTo }) : idp.createResponse(fields);
  const relayState = input.requestId ? input.relayState : safeRelativePath(input.relayState);
  return { acsUrl: sp.acsUrl, fields: { SAMLResponse: samlResponse, ...(relayState ? { RelayState: relayState } : {}) } };
}

/** The SP's logout message at the dev IdP: the connection it comes from (by Issuer) and the message, verified. */
async function readSpLogout(
  db: Db,
  input: { binding: "redirect"; query: string } | { binding: "post"; value: string; relayState: string | null },
  appUrl: string,
) {
  const idp = getDevIdp(appUrl);
  const prefix = `${appUrl}/auth/sso/saml/`;
  // Read once unverified only to learn which SP sent it; then verify with that SP's published certificates.
  const slugOf = (issuer: string | null) => (issuer?.startsWith(prefix) ? issuer.slice(prefix.length) : null);
  const issuer = issuerOfUnverified(input);
  const found = slugOf(issuer) ? await findConnectionBySlug(db, slugOf(issuer)!) : undefined;
  if (!found) throw new AppError("SAML_NOT_FOUND", { message: "The logout message comes from a service provider this IdP does not know." });
  const certs = await listPublishedSpCertificates(db, found.connection.id);
  return { found, message: idp.readLogoutMessage(input, certs) };
}

function issuerOfUnverified(input: { binding: "redirect"; query: string } | { binding: "post"; value: string }): string | null {
  try {
    let xml: string;
    if (input.binding === "post") xml = Buffer.from(input.value, "base64").toString("utf8");
    else {
      const raw = new URLSearchParams(input.query.replace(/^[^?]*\?/, ""));
      const v = raw.get("SAMLRequest") ?? raw.get("SAMLResponse") ?? "";
      xml = inflateRawSync(Buffer.from(v, "base64"), { maxOutputLength: 256 * 1024 }).toString("utf8");
    }
    return /<(?:\w+:)?Issuer[^>]*>([^<]+)</.exec(xml)?.[1]?.trim() ?? null;
  } catch {
    return null;
  }
}

export type DevIdpLogoutResult =
  { kind: "answer"; url: string } | { kind: "done"; connectionName: string; statusCode: string | null; relayState: string | null };

/**
 * /dev/idp/slo: the SP's LogoutRequest (SP-initiated sign-out) is verified and answered with a signed
 * LogoutResponse (Success) to the SP's single logout URL; the SP's LogoutResponse (to an IdP-initiated
 * logout started here) is verified and reported.
 */
export async function handleDevIdpLogout(
  db: Db,
  input: { binding: "redirect"; query: string } | { binding: "post"; value: string; relayState: string | null },
  appUrl = env().appUrl,
): Promise<DevIdpLogoutResult> {
  const { found, message } = await readSpLogout(db, input, appUrl);
  const sp = spValues(appUrl, found.connection.slug);
  if (message.destination !== devIdpUrls(appUrl).sloUrl)
    throw new AppError("SAML_SLO_DESTINATION_MISMATCH", { detail: { expected: devIdpUrls(appUrl).sloUrl, actual: message.destination } });
  if (message.kind === "LogoutResponse") {
    return { kind: "done", connectionName: found.connection.name, statusCode: message.statusCode, relayState: message.relayState };
  }
  const answer = getDevIdp(appUrl).createLogoutResponse(
    { destination: sp.sloUrl, inResponseTo: message.id },
    { binding: "redirect", to: sp.sloUrl, relayState: message.relayState },
  );
  return { kind: "answer", url: (answer as { url: string }).url };
}

/** IdP-initiated logout from the launcher: a signed LogoutRequest for `email` (every session of it) to the SP. */
export async function startDevIdpLogout(db: Db, input: { slug: string; email: string }, appUrl = env().appUrl): Promise<string> {
  const found = await findConnectionBySlug(db, input.slug);
  if (!found || found.connection.idpEntityId !== devIdpUrls(appUrl).entityId) throw new AppError("SAML_NOT_FOUND");
  const email = input.email.trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
    throw new AppError("VALIDATION_FAILED", {
      message: "Enter a valid email address.",
      fields: [{ path: "email", message: "Enter a valid email address" }],
    });
  const sp = spValues(appUrl, found.connection.slug);
  const sent = getDevIdp(appUrl).createLogoutRequest(
    { destination: sp.sloUrl, nameId: email, nameIdFormat: "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress" },
    { binding: "redirect", to: sp.sloUrl, relayState: "dev-idp-launcher" },
  );
  return (sent as { url: string }).url;
}
