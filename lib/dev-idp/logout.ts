/**
 * The dev IdP's side of SAML single logout: LogoutRequests it sends (IdP-initiated) and
 * LogoutResponses it answers with, signed for HTTP-Redirect (query signature) or HTTP-POST
 * (enveloped signature, xml-crypto); every field can be bent for attack tests. It also reads the SP's
 * messages, verifying them against the SP metadata certificates.
 */
import crypto from "node:crypto";
import zlib from "node:zlib";
import type { Element } from "@xmldom/xmldom";
import { SignedXml } from "xml-crypto";
import { AppError } from "@/lib/errors";
import { NS } from "@/lib/saml/constants";
import { DIGEST_ALG, SIG_ALG, TRANSFORM, installAlgorithms, type DigestAlgName, type SigAlgName } from "@/lib/saml/algorithms";
import { decodeSamlMessage } from "@/lib/saml/decode";
import { buildRedirectUrl, verifyRedirectMessage } from "@/lib/saml/redirect-binding";
import { trustedKeys, verifyEnvelopedSignature } from "@/lib/saml/signature";
import { attr, child, children, parseXmlStrict, textOf, escapeXml } from "@/lib/saml/xml";

const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");
const newId = () => "_" + crypto.randomBytes(16).toString("hex");

export type IdpLogoutRequestFields = {
  destination: string | null;
  nameId: string;
  nameIdFormat?: string | null;
  nameQualifier?: string | null;
  sessionIndex?: string | null;
  id?: string;
  issuer: string;
  now?: Date;
  notOnOrAfter?: Date | null;
};

export function logoutRequestXml(f: IdpLogoutRequestFields): string {
  const now = f.now ?? new Date();
  const notOnOrAfter = f.notOnOrAfter === undefined ? new Date(now.getTime() + 5 * 60_000) : f.notOnOrAfter;
  return (
    `<samlp:LogoutRequest xmlns:samlp="${NS.protocol}" xmlns:saml="${NS.assertion}" ID="${escapeXml(f.id ?? newId())}" Version="2.0" ` +
    `IssueInstant="${iso(now)}"${notOnOrAfter ? ` NotOnOrAfter="${iso(notOnOrAfter)}"` : ""}` +
    `${f.destination !== null ? ` Destination="${escapeXml(f.destination)}"` : ""}>` +
    `<saml:Issuer>${escapeXml(f.issuer)}</saml:Issuer>` +
    `<saml:NameID${f.nameIdFormat ? ` Format="${escapeXml(f.nameIdFormat)}"` : ""}${f.nameQualifier ? ` NameQualifier="${escapeXml(f.nameQualifier)}"` : ""}>` +
    `${escapeXml(f.nameId)}</saml:NameID>` +
    (f.sessionIndex ? `<samlp:SessionIndex>${escapeXml(f.sessionIndex)}</samlp:SessionIndex>` : "") +
    `</samlp:LogoutRequest>`
  );
}

export type IdpLogoutResponseFields = {
  destination: string | null;
  inResponseTo: string | null;
  statusCode?: string;
  id?: string;
  issuer: string;
  now?: Date;
};

export function logoutResponseXml(f: IdpLogoutResponseFields): string {
  return (
    `<samlp:LogoutResponse xmlns:samlp="${NS.protocol}" xmlns:saml="${NS.assertion}" ID="${escapeXml(f.id ?? newId())}" Version="2.0" ` +
    `IssueInstant="${iso(f.now ?? new Date())}"${f.destination !== null ? ` Destination="${escapeXml(f.destination)}"` : ""}` +
    `${f.inResponseTo !== null ? ` InResponseTo="${escapeXml(f.inResponseTo)}"` : ""}>` +
    `<saml:Issuer>${escapeXml(f.issuer)}</saml:Issuer>` +
    `<samlp:Status><samlp:StatusCode Value="${escapeXml(f.statusCode ?? "urn:oasis:names:tc:SAML:2.0:status:Success")}"/></samlp:Status>` +
    `</samlp:LogoutResponse>`
  );
}

export type SendOptions = {
  binding: "redirect" | "post";
  /** Where the message goes (the SP's single logout URL). */
  to: string;
  relayState?: string | null;
  /** false: no signature at all. */
  sign?: boolean;
  sigAlg?: SigAlgName | string;
  digestAlg?: DigestAlgName | string;
  signingKey: { privateKeyPem: string; certificatePem: string };
};

export type SentMessage = { url: string } | { action: string; fields: Record<string, string> };

const resolve = <T extends Record<string, string>>(table: T, v: string | undefined, fallback: string) =>
  v === undefined ? fallback : (table[v as keyof T] ?? v);

/** Sign the root element of `xml` with an enveloped signature after its Issuer. */
export function signLogoutXml(xml: string, o: Pick<SendOptions, "sigAlg" | "digestAlg" | "signingKey">): string {
  const root = parseXmlStrict(xml).documentElement!.localName;
  const sig = new SignedXml({
    privateKey: o.signingKey.privateKeyPem,
    publicCert: o.signingKey.certificatePem,
    signatureAlgorithm: resolve(SIG_ALG, o.sigAlg, SIG_ALG.rsaSha256),
    canonicalizationAlgorithm: TRANSFORM.excC14n,
  });
  installAlgorithms(sig);
  sig.addReference({
    xpath: `/*[local-name(.)='${root}']`,
    transforms: [TRANSFORM.enveloped, TRANSFORM.excC14n],
    digestAlgorithm: resolve(DIGEST_ALG, o.digestAlg, DIGEST_ALG.sha256),
  });
  sig.computeSignature(xml, {
    prefix: "ds",
    location: { reference: `/*[local-name(.)='${root}']/*[local-name(.)='Issuer']`, action: "after" },
  });
  return sig.getSignedXml();
}

/** Encode a logout message for the SP in either binding. */
export function sendLogoutMessage(xml: string, o: SendOptions): SentMessage {
  const param = parseXmlStrict(xml).documentElement!.localName === "LogoutRequest" ? "SAMLRequest" : "SAMLResponse";
  const relayState = o.relayState ?? null;
  if (o.binding === "redirect") {
    if (o.sign === false) {
      const value = zlib.deflateRawSync(Buffer.from(xml, "utf8")).toString("base64");
      const sep = o.to.includes("?") ? "&" : "?";
      return {
        url: `${o.to}${sep}${param}=${encodeURIComponent(value)}${relayState ? `&RelayState=${encodeURIComponent(relayState)}` : ""}`,
      };
    }
    return {
      url: buildRedirectUrl({
        destination: o.to,
        param,
        xml,
        relayState,
        signingKeyPem: o.signingKey.privateKeyPem,
        sigAlg: resolve(SIG_ALG, o.sigAlg, SIG_ALG.rsaSha256),
      }),
    };
  }
  const body = o.sign === false ? xml : signLogoutXml(xml, o);
  return {
    action: o.to,
    fields: { [param]: Buffer.from(body, "utf8").toString("base64"), ...(relayState ? { RelayState: relayState } : {}) },
  };
}

/** What the dev IdP reads from the SP's logout message (signature verified against the SP certificates). */
export type SpLogoutMessage = {
  kind: "LogoutRequest" | "LogoutResponse";
  id: string;
  issuer: string | null;
  destination: string | null;
  nameId: string | null;
  sessionIndex: string | null;
  inResponseTo: string | null;
  statusCode: string | null;
  relayState: string | null;
};

export function readSpLogoutMessage(
  input: { binding: "redirect"; query: string } | { binding: "post"; value: string; relayState: string | null },
  spCertificatesPem: string[],
): SpLogoutMessage {
  const keys = trustedKeys(spCertificatesPem);
  let root: Element;
  let relayState: string | null;
  if (input.binding === "redirect") {
    const m = verifyRedirectMessage(input.query.replace(/^[^?]*\?/, ""), keys, { allowSha1: false });
    if (!m.ok) throw new AppError(m.code, { detail: m.detail });
    root = parseXmlStrict(m.xml).documentElement as Element;
    relayState = m.relayState;
  } else {
    const d = decodeSamlMessage(input.value);
    if (!d.ok) throw new AppError(d.code, { detail: d.detail });
    const doc = d.doc.documentElement as Element;
    const sig = children(doc, NS.dsig, "Signature")[0];
    if (!sig) throw new AppError("SAML_SLO_SIGNATURE_MISSING");
    const v = verifyEnvelopedSignature(d.xml, doc, sig, keys, false);
    if (!v.ok) throw new AppError(v.code, { detail: v.detail });
    root = v.element;
    relayState = input.relayState;
  }
  if (root.namespaceURI !== NS.protocol || (root.localName !== "LogoutRequest" && root.localName !== "LogoutResponse"))
    throw new AppError("SAML_SLO_MALFORMED", { detail: { actual: root.localName } });
  const status = child(root, NS.protocol, "Status");
  return {
    kind: root.localName as SpLogoutMessage["kind"],
    id: attr(root, "ID") ?? "",
    issuer: textOf(child(root, NS.assertion, "Issuer")),
    destination: attr(root, "Destination"),
    nameId: textOf(child(root, NS.assertion, "NameID")),
    sessionIndex: textOf(child(root, NS.protocol, "SessionIndex")),
    inResponseTo: attr(root, "InResponseTo"),
    statusCode: status ? attr(child(status, NS.protocol, "StatusCode"), "Value") : null,
    relayState,
  };
}
