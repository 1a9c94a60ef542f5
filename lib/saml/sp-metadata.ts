/** SP metadata for one connection: entity ID, ACS (HTTP-POST), single logout (Redirect and POST), and every signing certificate given. */
import { BINDING, NAMEID_FORMAT, NS } from "./constants";
import { certificateBody } from "./certificates";
import { escapeXml } from "./xml";
import { ADVERTISED_ENCRYPTION_METHODS } from "./encrypted-assertion";

export type SpMetadataInput = {
  entityId: string;
  acsUrl: string;
  signingCertificatesPem: string[];
  /** Encryption certificates (active first): published with use="encryption" and the accepted EncryptionMethods. */
  encryptionCertificatesPem?: string[];
  sloUrl?: string;
};

function encryptionKeyDescriptors(certificatesPem: string[]): string {
  const methods = ADVERTISED_ENCRYPTION_METHODS.map((a) => `      <md:EncryptionMethod Algorithm="${a}"/>\n`).join("");
  return certificatesPem
    .map(
      (pem) =>
        `    <md:KeyDescriptor use="encryption">\n      <ds:KeyInfo xmlns:ds="${NS.dsig}">\n        <ds:X509Data>\n` +
        `          <ds:X509Certificate>${certificateBody(pem)}</ds:X509Certificate>\n        </ds:X509Data>\n      </ds:KeyInfo>\n` +
        methods +
        `    </md:KeyDescriptor>\n`,
    )
    .join("");
}

export function buildSpMetadata({
  entityId,
  acsUrl,
  signingCertificatesPem,
  encryptionCertificatesPem = [],
  sloUrl,
}: SpMetadataInput): string {
  const keys = signingCertificatesPem
    .map(
      (pem) =>
        `    <md:KeyDescriptor use="signing">\n      <ds:KeyInfo xmlns:ds="${NS.dsig}">\n        <ds:X509Data>\n` +
        `          <ds:X509Certificate>${certificateBody(pem)}</ds:X509Certificate>\n        </ds:X509Data>\n      </ds:KeyInfo>\n    </md:KeyDescriptor>\n`,
    )
    .join("");
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<md:EntityDescriptor xmlns:md="${NS.metadata}" entityID="${escapeXml(entityId)}">\n` +
    `  <md:SPSSODescriptor AuthnRequestsSigned="true" WantAssertionsSigned="true" protocolSupportEnumeration="${NS.protocol}">\n` +
    keys +
    encryptionKeyDescriptors(encryptionCertificatesPem) +
    (sloUrl
      ? `    <md:SingleLogoutService Binding="${BINDING.redirect}" Location="${escapeXml(sloUrl)}"/>\n` +
        `    <md:SingleLogoutService Binding="${BINDING.post}" Location="${escapeXml(sloUrl)}"/>\n`
      : "") +
    `    <md:NameIDFormat>${NAMEID_FORMAT.emailAddress}</md:NameIDFormat>\n` +
    `    <md:AssertionConsumerService Binding="${BINDING.post}" Location="${escapeXml(acsUrl)}" index="0" isDefault="true"/>\n` +
    `  </md:SPSSODescriptor>\n` +
    `</md:EntityDescriptor>\n`
  );
}
