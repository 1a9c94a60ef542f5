import { and, eq, isNull, lt, or } from "drizzle-orm";
import type { Db } from "@/db";
import { connections, type Connection, type IdpCertificate } from "@/db/schema";
import { env } from "@/lib/env";
import { AppError, isAppError } from "@/lib/errors";
import { parseCertificate, parseIdpMetadata } from "@/lib/saml";
import type { MetadataInput } from "@/lib/schemas/connections";
import { logger } from "@/lib/logger";
import { fetchMetadataXml, type MetadataFetchPolicy } from "./metadata-fetch";

/** What a connection stores about its IdP, from metadata (URL or XML) or typed by hand. */
export type ResolvedIdp = {
  source: "url" | "xml" | "manual";
  metadataUrl: string | null;
  metadataXml: string | null;
  entityId: string;
  ssoUrlRedirect: string | null;
  ssoUrlPost: string | null;
  sloUrl: string | null;
  certificates: IdpCertificate[];
};

export function envFetchPolicy(): MetadataFetchPolicy {
  const e = env();
  return { allowPrivate: e.allowPrivateOutboundUrls, allowHttpLoopback: !e.isProduction };
}

/** SAML_METADATA_INVALID with the reason; `field`: the typed value at fault (manual entry). */
function invalid(reason: string, field?: string): AppError {
  const message = `The IdP metadata could not be used: ${reason}.`;
  return new AppError("SAML_METADATA_INVALID", { message, detail: { reason }, fields: field ? [{ path: field, message }] : undefined });
}

export function parseMetadataXmlOrThrow(xml: string): Omit<ResolvedIdp, "source" | "metadataUrl" | "metadataXml"> {
  const r = parseIdpMetadata(xml);
  if (!r.ok) throw new AppError("SAML_METADATA_INVALID", { detail: r.detail });
  const m = r.metadata;
  if (!m.ssoUrlRedirect && !m.ssoUrlPost) throw invalid("no SingleSignOnService with the HTTP-Redirect or HTTP-POST binding");
  if (!m.certificates.length) throw invalid('no signing certificate (KeyDescriptor use="signing")');
  return {
    entityId: m.entityId,
    ssoUrlRedirect: m.ssoUrlRedirect,
    ssoUrlPost: m.ssoUrlPost,
    sloUrl: m.sloUrl,
    certificates: m.certificates,
  };
}

/** Parse/fetch the IdP details without saving anything (the console's live preview). */
export async function previewIdpMetadata(input: MetadataInput, policy: MetadataFetchPolicy = envFetchPolicy()): Promise<ResolvedIdp> {
  if ("metadataUrl" in input) {
    const xml = await fetchMetadataXml(input.metadataUrl, policy);
    return { source: "url", metadataUrl: input.metadataUrl, metadataXml: xml, ...parseMetadataXmlOrThrow(xml) };
  }
  if ("metadataXml" in input) {
    return { source: "xml", metadataUrl: null, metadataXml: input.metadataXml, ...parseMetadataXmlOrThrow(input.metadataXml) };
  }
  const { entityId, ssoUrl, certificatePem } = input.manual;
  let cert: IdpCertificate;
  try {
    cert = parseCertificate(certificatePem);
  } catch {
    throw invalid("the certificate is not a PEM or base64 X.509 certificate", "manual.certificatePem");
  }
  if (!/^https?:\/\//i.test(ssoUrl)) throw invalid("the SSO URL must be an http(s) URL", "manual.ssoUrl");
  // One URL typed by hand: IdPs accept HTTP-Redirect at their SSO URL; keep it for POST too.
  return {
    source: "manual",
    metadataUrl: null,
    metadataXml: null,
    entityId,
    ssoUrlRedirect: ssoUrl,
    ssoUrlPost: ssoUrl,
    sloUrl: null,
    certificates: [cert],
  };
}

/** Column values for a resolved IdP. */
export function idpColumns(r: ResolvedIdp, now: Date) {
  return {
    idpEntityId: r.entityId,
    idpSsoUrlRedirect: r.ssoUrlRedirect,
    idpSsoUrlPost: r.ssoUrlPost,
    // Metadata without a SingleLogoutService keeps an SLO URL set by hand (undefined changes nothing).
    idpSloUrl: r.sloUrl ?? undefined,
    idpCertificates: r.certificates,
    metadataSource: r.source,
    metadataUrl: r.metadataUrl,
    metadataXml: r.metadataXml,
    metadataFetchedAt: r.source === "url" ? now : null,
    metadataError: null,
  };
}

/**
 * Fetch a URL-sourced connection's metadata now. Success replaces the IdP details; failure keeps the
 * last good ones and records the error (then throws it).
 */
export async function fetchAndStoreMetadata(
  db: Db,
  c: Pick<Connection, "id" | "metadataUrl">,
  now = new Date(),
  policy = envFetchPolicy(),
): Promise<Connection> {
  if (!c.metadataUrl)
    throw new AppError("CONFLICT", {
      message: "This connection's metadata was not given by URL.",
      hint: "Paste new metadata XML instead.",
    });
  try {
    const xml = await fetchMetadataXml(c.metadataUrl, policy);
    const parsed = parseMetadataXmlOrThrow(xml);
    const [row] = await db
      .update(connections)
      .set({
        idpEntityId: parsed.entityId,
        idpSsoUrlRedirect: parsed.ssoUrlRedirect,
        idpSsoUrlPost: parsed.ssoUrlPost,
        ...(parsed.sloUrl ? { idpSloUrl: parsed.sloUrl } : {}),
        idpCertificates: parsed.certificates,
        metadataXml: xml,
        metadataFetchedAt: now,
        metadataError: null,
      })
      .where(eq(connections.id, c.id))
      .returning();
    return row!;
  } catch (e) {
    const message = isAppError(e) ? e.message : "unexpected error while fetching metadata";
    if (!isAppError(e)) logger.error("metadata refresh failed", { err: e, connectionId: c.id });
    await db.update(connections).set({ metadataError: message, metadataFetchedAt: now }).where(eq(connections.id, c.id));
    throw isAppError(e) ? e : new AppError("SAML_METADATA_FETCH_FAILED", { cause: e });
  }
}

/**
 * Stale-while-revalidate for sign-ins: when a URL-sourced connection's metadata is older than the
 * TTL, one instance claims the refresh (the conditional UPDATE succeeds for exactly one) and refreshes
 * in the background; the sign-in goes on with the metadata it has. Returns the refresh promise (for
 * tests) or null when nothing was due or another instance claimed it.
 */
export function maybeRefreshStaleMetadata(
  db: Db,
  c: Pick<Connection, "id" | "metadataSource" | "metadataUrl" | "metadataFetchedAt">,
  now = new Date(),
  opts: { ttlSeconds?: number; policy?: MetadataFetchPolicy } = {},
): Promise<void> | null {
  if (c.metadataSource !== "url" || !c.metadataUrl) return null;
  const ttl = opts.ttlSeconds ?? env().metadataTtlSeconds;
  const cutoff = new Date(now.getTime() - ttl * 1000);
  if (c.metadataFetchedAt && c.metadataFetchedAt >= cutoff) return null;
  // Never rejects: callers fire and forget it.
  return (async () => {
    try {
      const claimed = await db
        .update(connections)
        .set({ metadataFetchedAt: now })
        .where(and(eq(connections.id, c.id), or(isNull(connections.metadataFetchedAt), lt(connections.metadataFetchedAt, cutoff))))
        .returning({ id: connections.id, metadataUrl: connections.metadataUrl });
      if (!claimed[0]) return;
      await fetchAndStoreMetadata(db, claimed[0], now, opts.policy ?? envFetchPolicy());
    } catch (e) {
      logger.warn("background metadata refresh failed; keeping the last good metadata", {
        connectionId: c.id,
        code: isAppError(e) ? e.code : "INTERNAL",
      });
    }
  })();
}
