import { AppError } from "@/lib/errors";
import {
  classifyAddress,
  OUTBOUND_MAX_BYTES,
  OUTBOUND_TIMEOUT_MS,
  OutboundFetchError,
  outboundFetch,
  type OutboundPolicy,
} from "@/lib/http/outbound-fetch";

/**
 * Fetching IdP metadata by URL through the SSRF-checked outbound fetch (lib/http/outbound-fetch.ts):
 * https only (http only for loopback outside production), 5 s, 1 MB, private addresses only when
 * ALLOW_PRIVATE_OUTBOUND_URLS, link-local and cloud metadata addresses never.
 */
export type MetadataFetchPolicy = OutboundPolicy;

export const METADATA_MAX_BYTES = OUTBOUND_MAX_BYTES;
export const METADATA_TIMEOUT_MS = OUTBOUND_TIMEOUT_MS;

/** Private, loopback, link-local, multicast, reserved, documentation or metadata address. */
export function isNonPublicAddress(address: string): boolean {
  return classifyAddress(address) !== "public";
}

/** What to do about each kind of failure (the catalogue's hint is the general one). */
const HINTS: Partial<Record<OutboundFetchError["reason"] | "html" | "status", string>> = {
  address_not_allowed: "Use the IdP's public https:// metadata URL (copy it from the IdP's SAML app), then press Refresh.",
  scheme_not_allowed: "Use the https:// address of the metadata (http:// only for localhost in development), then press Refresh.",
  tls_error: "Ask the IdP's admin to fix the server's TLS certificate, or paste the metadata XML instead.",
  dns_failed: "Check the host name for typos, then press Refresh.",
  html: "Copy the metadata URL from the IdP's SAML app settings (it returns XML that starts with <EntityDescriptor), or download the metadata XML and paste it.",
  status: "Check the URL in a browser: it must return the metadata XML. Then press Refresh.",
};

function fail(reason: string, url: string, kind?: keyof typeof HINTS): AppError {
  return new AppError("SAML_METADATA_FETCH_FAILED", {
    message: `The metadata URL could not be fetched: ${reason}.`,
    ...(kind && HINTS[kind] ? { hint: HINTS[kind] } : {}),
    detail: { url, reason },
  });
}

/** A web page (HTML) where metadata XML was expected: a login or admin page, not the metadata URL. */
export function looksLikeHtml(contentType: string | undefined, body: string): boolean {
  if (/^\s*text\/html\b/i.test(contentType ?? "")) return true;
  return /^\s*(<!doctype\s+html|<html[\s>])/i.test(body.replace(/^\uFEFF/, "").slice(0, 512));
}

/** GET the metadata document under the policy; throws SAML_METADATA_FETCH_FAILED with a plain reason. */
export async function fetchMetadataXml(rawUrl: string, policy: MetadataFetchPolicy): Promise<string> {
  let res;
  try {
    res = await outboundFetch(rawUrl, policy, {
      headers: { accept: "application/samlmetadata+xml, application/xml, text/xml;q=0.9, */*;q=0.1", "user-agent": "Gatehouse-Metadata/1" },
    });
  } catch (e) {
    if (e instanceof OutboundFetchError)
      throw fail(e.reason === "too_large" ? "the document is larger than 1 MB" : e.message, rawUrl, e.reason);
    throw e;
  }
  if (res.status !== 200) throw fail(`the server answered HTTP ${res.status}`, rawUrl, "status");
  const body = res.body.toString("utf8");
  if (looksLikeHtml(res.headers["content-type"], body)) throw fail("this is a web page (HTML), not SAML metadata", rawUrl, "html");
  return body;
}
