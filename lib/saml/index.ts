/** lib/saml: pure SAML 2.0 protocol code (no db, no Next, no env). */
export { validateSamlResponse, verifyResponseSignatureOnly, type ValidateInput } from "./validate-response";
export { buildAuthnRequest, newSamlId, type AuthnRequestInput, type BuiltAuthnRequest } from "./authn-request";
export { buildSpMetadata, type SpMetadataInput } from "./sp-metadata";
export { parseIdpMetadata, type IdpMetadata, type ParseIdpMetadataResult } from "./idp-metadata";
export { parseCertificate, generateSpKeyPair, toCertificatePem, type SpKeyPair } from "./certificates";
export { SIG_ALG, DIGEST_ALG } from "./algorithms";
export { BINDING, NAMEID_FORMAT, DEFAULT_MAX_BYTES } from "./constants";
export type { CertificateInfo, ExpectedResponse, ValidatedAssertion, ValidateResult, SamlFailure } from "./types";
