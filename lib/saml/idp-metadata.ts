/** IdP metadata → entity ID, SSO URLs per binding, SLO URL and all signing certificates. */
import type { Element } from "@xmldom/xmldom";
import { BINDING, NS } from "./constants";
import { parseCertificate } from "./certificates";
import { attr, children, descendants, parseXmlStrict, textOf, XmlParseError } from "./xml";
import type { CertificateInfo } from "./types";

export type IdpMetadata = {
  entityId: string;
  ssoUrlRedirect: string | null;
  ssoUrlPost: string | null;
  sloUrl: string | null;
  certificates: CertificateInfo[];
};

export type ParseIdpMetadataResult =
  { ok: true; metadata: IdpMetadata } | { ok: false; code: "SAML_METADATA_INVALID"; detail: Record<string, unknown> };

const invalid = (reason: string, extra: Record<string, unknown> = {}): ParseIdpMetadataResult => ({
  ok: false,
  code: "SAML_METADATA_INVALID",
  detail: { reason, ...extra },
});

function serviceUrl(idp: Element, localName: string, binding: string): string | null {
  const el = children(idp, NS.metadata, localName).find((s) => attr(s, "Binding") === binding);
  const location = attr(el, "Location")?.trim();
  return location ? location : null;
}

function signingCertificates(idp: Element): CertificateInfo[] | string {
  const out: CertificateInfo[] = [];
  for (const kd of children(idp, NS.metadata, "KeyDescriptor")) {
    const use = attr(kd, "use");
    if (use !== null && use !== "signing") continue;
    for (const certEl of descendants(kd, "X509Certificate", NS.dsig)) {
      const text = textOf(certEl);
      if (!text) continue;
      try {
        const info = parseCertificate(text);
        if (!out.some((c) => c.fingerprintSha256 === info.fingerprintSha256)) out.push(info);
      } catch {
        return "a signing certificate in the metadata is not a valid X.509 certificate";
      }
    }
  }
  return out;
}

export function parseIdpMetadata(xml: string): ParseIdpMetadataResult {
  if (typeof xml !== "string" || !xml.trim()) return invalid("metadata is empty");
  if (xml.length > 1024 * 1024) return invalid("metadata is larger than 1 MB");
  let root: Element;
  try {
    root = parseXmlStrict(xml.replace(/^\uFEFF/, "").trim()).documentElement as Element;
  } catch (e) {
    if (e instanceof XmlParseError && e.reason === "doctype")
      return invalid("metadata contains a DOCTYPE or entity declaration, which is refused");
    return invalid("metadata is not well-formed XML");
  }
  const entities =
    root.namespaceURI === NS.metadata && root.localName === "EntityDescriptor"
      ? [root]
      : descendants(root, "EntityDescriptor", NS.metadata);
  const idpEntities = entities.filter((e) => children(e, NS.metadata, "IDPSSODescriptor").length > 0);
  if (idpEntities.length === 0) return invalid("no EntityDescriptor with an IDPSSODescriptor was found");
  if (idpEntities.length > 1)
    return invalid("metadata describes several identity providers; paste the one for this connection", { count: idpEntities.length });
  const entity = idpEntities[0];
  const entityId = attr(entity, "entityID")?.trim();
  if (!entityId) return invalid("EntityDescriptor has no entityID");
  const idp = children(entity, NS.metadata, "IDPSSODescriptor")[0];
  const ssoUrlRedirect = serviceUrl(idp, "SingleSignOnService", BINDING.redirect);
  const ssoUrlPost = serviceUrl(idp, "SingleSignOnService", BINDING.post);
  if (!ssoUrlRedirect && !ssoUrlPost) return invalid("no SingleSignOnService with the HTTP-Redirect or HTTP-POST binding", { entityId });
  for (const url of [ssoUrlRedirect, ssoUrlPost]) {
    if (url && !/^https?:\/\//i.test(url))
      return invalid("SingleSignOnService Location is not an http(s) URL", { entityId, actual: url.slice(0, 200) });
  }
  const sloUrl = serviceUrl(idp, "SingleLogoutService", BINDING.redirect) ?? serviceUrl(idp, "SingleLogoutService", BINDING.post);
  const certificates = signingCertificates(idp);
  if (typeof certificates === "string") return invalid(certificates, { entityId });
  if (certificates.length === 0)
    return invalid('no signing certificate (KeyDescriptor use="signing") in the IDPSSODescriptor', { entityId });
  return { ok: true, metadata: { entityId, ssoUrlRedirect, ssoUrlPost, sloUrl, certificates } };
}
