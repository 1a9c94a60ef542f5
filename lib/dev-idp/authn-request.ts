/**
 * Parses an incoming AuthnRequest (HTTP-Redirect query or HTTP-POST form) and, when SP certificates are
 * given, verifies its signature (query signature for Redirect, enveloped XML signature for POST).
 * Throws AppError with a SAML_* code on anything wrong.
 */
import crypto from "node:crypto";
import zlib from "node:zlib";
import type { Element } from "@xmldom/xmldom";
import { AppError } from "@/lib/errors";
import { NS } from "@/lib/saml/constants";
import { SIG_ALG } from "@/lib/saml/algorithms";
import { decodeBase64Strict } from "@/lib/saml/decode";
import { trustedKeys, verifyEnvelopedSignature } from "@/lib/saml/signature";
import { attr, child, children, isNamed, parseXmlStrict, textOf, XmlParseError } from "@/lib/saml/xml";

export type ParseAuthnRequestInput =
  | { binding: "redirect"; /** raw query string (with or without "?") or a full URL */ query: string; spCertificatesPem?: string[] }
  | { binding: "post"; samlRequest: string; relayState?: string | null; spCertificatesPem?: string[] };

export type ParsedAuthnRequest = {
  id: string;
  issuer: string | null;
  acsUrl: string | null;
  destination: string | null;
  protocolBinding: string | null;
  nameIdFormat: string | null;
  relayState: string | null;
  binding: "redirect" | "post";
  signed: boolean;
  /** True only when SP certificates were given and the signature verified. */
  signatureVerified: boolean;
  xml: string;
};

const REDIRECT_HASH: Record<string, string> = {
  [SIG_ALG.rsaSha256]: "sha256",
  [SIG_ALG.rsaSha384]: "sha384",
  [SIG_ALG.rsaSha512]: "sha512",
};

/** Raw (still URL-encoded) query parameters, in order. */
function rawParams(query: string): Map<string, string> {
  const q = query.includes("?") ? query.slice(query.indexOf("?") + 1) : query;
  const out = new Map<string, string>();
  for (const part of q.split("&")) {
    if (!part) continue;
    const eq = part.indexOf("=");
    const key = eq < 0 ? part : part.slice(0, eq);
    if (!out.has(key)) out.set(key, eq < 0 ? "" : part.slice(eq + 1));
  }
  return out;
}

const decodeParam = (v: string | undefined) => (v === undefined ? undefined : decodeURIComponent(v.replace(/\+/g, "%20")));

function readRequest(xml: string): Element {
  try {
    const root = parseXmlStrict(xml).documentElement as Element;
    if (!isNamed(root, NS.protocol, "AuthnRequest"))
      throw new AppError("SAML_MALFORMED", { detail: { expected: "samlp:AuthnRequest", actual: root.localName } });
    if (!attr(root, "ID")) throw new AppError("SAML_MALFORMED", { detail: { reason: "AuthnRequest has no ID" } });
    return root;
  } catch (e) {
    if (e instanceof AppError) throw e;
    if (e instanceof XmlParseError && e.reason === "doctype") throw new AppError("SAML_DOCTYPE_FORBIDDEN");
    throw new AppError("SAML_MALFORMED", { detail: { reason: "AuthnRequest is not well-formed XML" } });
  }
}

function verifyRedirect(params: Map<string, string>, certs: string[]): boolean {
  const sigAlgRaw = params.get("SigAlg");
  const signatureRaw = params.get("Signature");
  if (sigAlgRaw === undefined || signatureRaw === undefined) throw new AppError("SAML_SIGNATURE_MISSING");
  const sigAlg = decodeParam(sigAlgRaw)!;
  const hash = REDIRECT_HASH[sigAlg];
  if (!hash) throw new AppError("SAML_WEAK_ALGORITHM", { detail: { actual: sigAlg } });
  // §3.4.4.1: the octets are the parameters as they were URL-encoded in the query.
  let octets = `SAMLRequest=${params.get("SAMLRequest")}`;
  if (params.has("RelayState")) octets += `&RelayState=${params.get("RelayState")}`;
  octets += `&SigAlg=${sigAlgRaw}`;
  const signature = Buffer.from(decodeParam(signatureRaw)!, "base64");
  const ok = trustedKeys(certs).some((key) => crypto.verify(hash, Buffer.from(octets, "utf8"), key, signature));
  if (!ok)
    throw new AppError("SAML_SIGNATURE_INVALID", { detail: { reason: "the query signature does not verify with the SP certificate" } });
  return true;
}

function describe(
  root: Element,
  xml: string,
  rest: Pick<ParsedAuthnRequest, "relayState" | "binding" | "signed" | "signatureVerified">,
): ParsedAuthnRequest {
  return {
    id: attr(root, "ID")!,
    issuer: textOf(child(root, NS.assertion, "Issuer")),
    acsUrl: attr(root, "AssertionConsumerServiceURL"),
    destination: attr(root, "Destination"),
    protocolBinding: attr(root, "ProtocolBinding"),
    nameIdFormat: attr(child(root, NS.protocol, "NameIDPolicy"), "Format"),
    xml,
    ...rest,
  };
}

export function parseAuthnRequest(input: ParseAuthnRequestInput): ParsedAuthnRequest {
  if (input.binding === "redirect") {
    const params = rawParams(input.query);
    const encoded = decodeParam(params.get("SAMLRequest"));
    if (!encoded) throw new AppError("SAML_MALFORMED", { detail: { reason: "SAMLRequest query parameter is missing" } });
    let xml: string;
    try {
      xml = zlib.inflateRawSync(Buffer.from(encoded, "base64"), { maxOutputLength: 256 * 1024 }).toString("utf8");
    } catch {
      throw new AppError("SAML_MALFORMED", { detail: { reason: "SAMLRequest is not DEFLATE + base64" } });
    }
    const root = readRequest(xml);
    const signed = params.has("Signature");
    const verified = input.spCertificatesPem?.length ? verifyRedirect(params, input.spCertificatesPem) : false;
    return describe(root, xml, {
      relayState: decodeParam(params.get("RelayState")) ?? null,
      binding: "redirect",
      signed,
      signatureVerified: verified,
    });
  }
  const xml = decodeBase64Strict(input.samlRequest ?? "");
  if (xml === null) throw new AppError("SAML_MALFORMED", { detail: { reason: "SAMLRequest is not base64" } });
  let root = readRequest(xml);
  const signatures = children(root, NS.dsig, "Signature");
  let verified = false;
  if (input.spCertificatesPem?.length) {
    if (signatures.length !== 1) throw new AppError("SAML_SIGNATURE_MISSING");
    const r = verifyEnvelopedSignature(xml, root, signatures[0], trustedKeys(input.spCertificatesPem), false);
    if (!r.ok) throw new AppError(r.code, { detail: r.detail });
    root = r.element; // read only what the signature covers
    verified = true;
  }
  return describe(root, xml, {
    relayState: input.relayState ?? null,
    binding: "post",
    signed: signatures.length > 0,
    signatureVerified: verified,
  });
}
