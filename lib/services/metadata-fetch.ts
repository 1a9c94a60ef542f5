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

function fail(reason: string, url: string): AppError {
  return new AppError("SAML_METADATA_FETCH_FAILED", {
    message: `The metadata URL could not be fetched: ${reason}.`,
    detail: { url, reason },
  });
}

/** GET the metadata document under the policy; throws SAML_METADATA_FETCH_FAILED with a plain reason. */
export async function fetchMetadataXml(rawUrl: string, policy: MetadataFetchPolicy): Promise<string> {
  let res;
  try {
    res = await outboundFetch(rawUrl, policy, {
      headers: { accept: "application/samlmetadata+xml, application/xml, text/xml;q=0.9, */*;q=0.1", "user-agent": "Gatehouse-Metadata/1" },
    });
  } catch (e) {
    if (e instanceof OutboundFetchError) throw fail(e.reason === "too_large" ? "the document is larger than 1 MB" : e.message, rawUrl);
    throw e;
  }
  if (res.status !== 200) throw fail(`the server answered HTTP ${res.status}`, rawUrl);
  return res.body.toString("utf8");
}
