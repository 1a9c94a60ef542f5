/**
 * lib/dev-idp: a small signing SAML IdP for tests, e2e and dev mode (/dev/idp routes are thin wrappers).
 * Real keys, real xml-crypto signatures; every field of the response can be bent for attack tests.
 */
import { generateSpKeyPair } from "@/lib/saml/certificates";
import { NAMEID_FORMAT } from "@/lib/saml/constants";
import type { DigestAlgName, SigAlgName } from "@/lib/saml/algorithms";
import { buildIdpMetadataXml } from "./metadata";
import { buildResponseXml, type Omittable, type ResponseFields } from "./response-xml";
import { signResponseXml, type SignMode } from "./sign";
import { parseAuthnRequest, type ParseAuthnRequestInput, type ParsedAuthnRequest } from "./authn-request";
import {
  logoutRequestXml,
  logoutResponseXml,
  readSpLogoutMessage,
  sendLogoutMessage,
  type IdpLogoutRequestFields,
  type IdpLogoutResponseFields,
  type SendOptions,
  type SentMessage,
} from "./logout";

/** How a logout message leaves the dev IdP: binding, target, signing (this IdP's key unless `signingKey`). */
export type LogoutSendOptions = Omit<SendOptions, "signingKey"> & { signingKey?: SendOptions["signingKey"] };
import { encryptAssertionInResponse, type EncryptFor } from "./encrypt";

/**
 * Every field of the response (see ResponseFields), with the IdP's own issuer and the current time
 * as defaults, plus how to sign it.
 */
export type CreateResponseOptions = Omit<ResponseFields, "issuer" | "now"> & {
  issuer?: string;
  now?: Date;
  sign?: SignMode;
  sigAlg?: SigAlgName | string;
  digestAlg?: DigestAlgName | string;
  /** Sign with another key (e.g. an attacker's) while keeping this IdP's identity. */
  signingKey?: { privateKeyPem: string; certificatePem: string };
};

export type DevIdp = {
  entityId: string;
  certificatePem: string;
  privateKeyPem: string;
  metadataXml(ssoUrl: string, sloUrl?: string): string;
  parseAuthnRequest(input: ParseAuthnRequestInput): ParsedAuthnRequest;
  /** Signed SAML Response XML (not encoded). */
  createResponseXml(opts: CreateResponseOptions): string;
  /** base64 SAMLResponse value for the HTTP-POST binding. */
  createResponse(opts: CreateResponseOptions): string;
  /** Single logout: an IdP-initiated LogoutRequest, signed for the binding (every field can be bent). */
  createLogoutRequest(fields: Omit<IdpLogoutRequestFields, "issuer"> & { issuer?: string }, send: LogoutSendOptions): SentMessage;
  /** Single logout: the LogoutResponse answering the SP's LogoutRequest. */
  createLogoutResponse(fields: Omit<IdpLogoutResponseFields, "issuer"> & { issuer?: string }, send: LogoutSendOptions): SentMessage;
  /** Read and verify the SP's LogoutRequest/LogoutResponse against the SP's certificates. */
  readLogoutMessage: typeof readSpLogoutMessage;
  /**
   * base64 SAMLResponse whose assertion is encrypted for `encryptFor` (the SP's encryption certificate):
   * the assertion is signed first (sign "assertion"/"both"), then encrypted, then the Response is signed
   * over the EncryptedAssertion (sign "response"/"both").
   */
  createEncryptedResponse(opts: CreateResponseOptions, encryptFor: EncryptFor): Promise<string>;
};

export function createDevIdp({
  entityId,
  privateKeyPem,
  certificatePem,
}: {
  entityId: string;
  privateKeyPem?: string;
  certificatePem?: string;
}): DevIdp {
  if (!!privateKeyPem !== !!certificatePem) throw new Error("createDevIdp: give both privateKeyPem and certificatePem, or neither");
  const keys = privateKeyPem && certificatePem ? { privateKeyPem, certificatePem } : generateSpKeyPair({ commonName: "Gatehouse Dev IdP" });

  const createResponseXml = (opts: CreateResponseOptions): string => {
    const xml = buildResponseXml({
      ...opts,
      issuer: opts.issuer ?? entityId,
      nameIdFormat: opts.nameIdFormat ?? NAMEID_FORMAT.emailAddress,
      now: opts.now ?? new Date(),
    });
    const mode = opts.sign ?? "assertion";
    if (mode === "none") return xml;
    const signer = opts.signingKey ?? keys;
    return signResponseXml(xml, {
      mode,
      privateKeyPem: signer.privateKeyPem,
      certificatePem: signer.certificatePem,
      sigAlg: opts.sigAlg,
      digestAlg: opts.digestAlg,
    });
  };

  const createEncryptedResponseXml = async (opts: CreateResponseOptions, encryptFor: EncryptFor): Promise<string> => {
    const mode = opts.sign ?? "assertion";
    const inner = createResponseXml({ ...opts, sign: mode === "assertion" || mode === "both" ? "assertion" : "none" });
    const encrypted = await encryptAssertionInResponse(inner, encryptFor);
    if (mode !== "response" && mode !== "both") return encrypted;
    const signer = opts.signingKey ?? keys;
    return signResponseXml(encrypted, { mode: "response", ...signer, sigAlg: opts.sigAlg, digestAlg: opts.digestAlg });
  };

  return {
    entityId,
    certificatePem: keys.certificatePem,
    privateKeyPem: keys.privateKeyPem,
    metadataXml: (ssoUrl, sloUrl) => buildIdpMetadataXml({ entityId, certificatePem: keys.certificatePem, ssoUrl, sloUrl }),
    parseAuthnRequest,
    createResponseXml,
    createResponse: (opts) => Buffer.from(createResponseXml(opts), "utf8").toString("base64"),
    createLogoutRequest: (fields, send) =>
      sendLogoutMessage(logoutRequestXml({ ...fields, issuer: fields.issuer ?? entityId }), {
        ...send,
        signingKey: send.signingKey ?? keys,
      }),
    createLogoutResponse: (fields, send) =>
      sendLogoutMessage(logoutResponseXml({ ...fields, issuer: fields.issuer ?? entityId }), {
        ...send,
        signingKey: send.signingKey ?? keys,
      }),
    readLogoutMessage: readSpLogoutMessage,
    createEncryptedResponse: async (opts, encryptFor) =>
      Buffer.from(await createEncryptedResponseXml(opts, encryptFor), "utf8").toString("base64"),
  };
}

export type { SentMessage } from "./logout";

export { spEncryptionCertificateFromMetadata, type EncryptFor } from "./encrypt";
export { parseAuthnRequest, signResponseXml, type ParseAuthnRequestInput, type ParsedAuthnRequest, type SignMode, type Omittable };
