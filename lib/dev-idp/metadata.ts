/** The dev IdP's metadata: signing cert, and SSO over HTTP-Redirect and HTTP-POST at one URL. */
import { BINDING, NAMEID_FORMAT, NS } from "@/lib/saml/constants";
import { certificateBody } from "@/lib/saml/certificates";
import { escapeXml } from "@/lib/saml/xml";

export function buildIdpMetadataXml({
  entityId,
  certificatePem,
  ssoUrl,
  sloUrl,
}: {
  entityId: string;
  certificatePem: string;
  ssoUrl: string;
  sloUrl?: string;
}): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<md:EntityDescriptor xmlns:md="${NS.metadata}" xmlns:ds="${NS.dsig}" entityID="${escapeXml(entityId)}">\n` +
    `  <md:IDPSSODescriptor WantAuthnRequestsSigned="true" protocolSupportEnumeration="${NS.protocol}">\n` +
    `    <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${certificateBody(certificatePem)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>\n` +
    (sloUrl ? `    <md:SingleLogoutService Binding="${BINDING.redirect}" Location="${escapeXml(sloUrl)}"/>\n` : "") +
    `    <md:NameIDFormat>${NAMEID_FORMAT.emailAddress}</md:NameIDFormat>\n` +
    `    <md:SingleSignOnService Binding="${BINDING.redirect}" Location="${escapeXml(ssoUrl)}"/>\n` +
    `    <md:SingleSignOnService Binding="${BINDING.post}" Location="${escapeXml(ssoUrl)}"/>\n` +
    `  </md:IDPSSODescriptor>\n` +
    `</md:EntityDescriptor>\n`
  );
}
