/**
 * Signed AuthnRequests. HTTP-Redirect: DEFLATE + base64, and an RSA-SHA256 signature over
 * `SAMLRequest=…&RelayState=…&SigAlg=…` (URL-encoded values, SAML bindings §3.4.4.1).
 * HTTP-POST: an enveloped XML signature after the Issuer.
 */
import crypto from "node:crypto";
import zlib from "node:zlib";
import { SignedXml } from "xml-crypto";
import { BINDING, NAMEID_FORMAT, NS } from "./constants";
import { DIGEST_ALG, SIG_ALG, TRANSFORM, installAlgorithms } from "./algorithms";
import { escapeXml } from "./xml";

export type AuthnRequestInput = {
  id?: string;
  spEntityId: string;
  acsUrl: string;
  idpSsoUrl: string;
  binding: "redirect" | "post";
  signingKeyPem: string;
  relayState: string;
  now: Date;
};

export type BuiltAuthnRequest =
  | { id: string; binding: "redirect"; url: string }
  | { id: string; binding: "post"; action: string; fields: { SAMLRequest: string; RelayState: string } };

export function newSamlId(): string {
  return "_" + crypto.randomBytes(20).toString("hex");
}

function isoInstant(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function authnRequestXml(input: Omit<AuthnRequestInput, "signingKeyPem" | "relayState" | "binding"> & { id: string }): string {
  return (
    `<samlp:AuthnRequest xmlns:samlp="${NS.protocol}" xmlns:saml="${NS.assertion}" ID="${escapeXml(input.id)}" Version="2.0" ` +
    `IssueInstant="${isoInstant(input.now)}" Destination="${escapeXml(input.idpSsoUrl)}" ` +
    `AssertionConsumerServiceURL="${escapeXml(input.acsUrl)}" ProtocolBinding="${BINDING.post}">` +
    `<saml:Issuer>${escapeXml(input.spEntityId)}</saml:Issuer>` +
    `<samlp:NameIDPolicy Format="${NAMEID_FORMAT.emailAddress}" AllowCreate="true"/>` +
    `</samlp:AuthnRequest>`
  );
}

/** The exact octets signed for the HTTP-Redirect binding (already URL-encoded values). */
export function redirectSignedOctets(samlRequestB64: string, relayState: string | null, sigAlg: string): string {
  let s = `SAMLRequest=${encodeURIComponent(samlRequestB64)}`;
  if (relayState) s += `&RelayState=${encodeURIComponent(relayState)}`;
  return s + `&SigAlg=${encodeURIComponent(sigAlg)}`;
}

export function signXmlEnveloped(xml: string, privateKeyPem: string, opts: { issuerXpath: string; referenceXpath: string }): string {
  const sig = new SignedXml({
    privateKey: privateKeyPem,
    signatureAlgorithm: SIG_ALG.rsaSha256,
    canonicalizationAlgorithm: TRANSFORM.excC14n,
  });
  installAlgorithms(sig);
  sig.addReference({
    xpath: opts.referenceXpath,
    transforms: [TRANSFORM.enveloped, TRANSFORM.excC14n],
    digestAlgorithm: DIGEST_ALG.sha256,
  });
  sig.computeSignature(xml, { prefix: "ds", location: { reference: opts.issuerXpath, action: "after" } });
  return sig.getSignedXml();
}

export function buildAuthnRequest(input: AuthnRequestInput): BuiltAuthnRequest {
  const id = input.id ?? newSamlId();
  const xml = authnRequestXml({ ...input, id });
  if (input.binding === "redirect") {
    const samlRequest = zlib.deflateRawSync(Buffer.from(xml, "utf8")).toString("base64");
    const octets = redirectSignedOctets(samlRequest, input.relayState, SIG_ALG.rsaSha256);
    const signature = crypto.sign("sha256", Buffer.from(octets, "utf8"), input.signingKeyPem).toString("base64");
    const sep = input.idpSsoUrl.includes("?") ? "&" : "?";
    return { id, binding: "redirect", url: `${input.idpSsoUrl}${sep}${octets}&Signature=${encodeURIComponent(signature)}` };
  }
  const signed = signXmlEnveloped(xml, input.signingKeyPem, {
    referenceXpath: "/*[local-name(.)='AuthnRequest']",
    issuerXpath: "/*[local-name(.)='AuthnRequest']/*[local-name(.)='Issuer']",
  });
  return {
    id,
    binding: "post",
    action: input.idpSsoUrl,
    fields: { SAMLRequest: Buffer.from(signed, "utf8").toString("base64"), RelayState: input.relayState },
  };
}
