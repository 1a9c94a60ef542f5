/**
 * The HTTP-Redirect binding (SAML bindings §3.4) for any message: DEFLATE + base64 in `SAMLRequest` or
 * `SAMLResponse`, and a signature (node:crypto) over `<param>=…&RelayState=…&SigAlg=…` built from the
 * URL-encoded values exactly as they travelled (§3.4.4.1). Verification reads the raw query string, so
 * the octets checked are the octets the IdP signed; the algorithm is allowlisted (lib/saml/algorithms).
 */
import crypto from "node:crypto";
import zlib from "node:zlib";
import { SIG_ALG, isAllowedSignatureAlgorithm } from "./algorithms";
import { DEFAULT_MAX_BYTES } from "./constants";
import { fail, type SamlFailure } from "./types";

export type RedirectParam = "SAMLRequest" | "SAMLResponse";

/** node:crypto hash and ECDSA encoding for each XML-DSig signature algorithm URI. */
const NODE_ALG: Record<string, { hash: string; ecdsa: boolean }> = {
  [SIG_ALG.rsaSha1]: { hash: "sha1", ecdsa: false },
  [SIG_ALG.rsaSha256]: { hash: "sha256", ecdsa: false },
  [SIG_ALG.rsaSha384]: { hash: "sha384", ecdsa: false },
  [SIG_ALG.rsaSha512]: { hash: "sha512", ecdsa: false },
  [SIG_ALG.ecdsaSha256]: { hash: "sha256", ecdsa: true },
  [SIG_ALG.ecdsaSha384]: { hash: "sha384", ecdsa: true },
  [SIG_ALG.ecdsaSha512]: { hash: "sha512", ecdsa: true },
};

function signedOctets(param: RedirectParam, value: string, relayState: string | null, sigAlg: string, encode: boolean): string {
  const e = encode ? encodeURIComponent : (v: string) => v;
  let s = `${param}=${e(value)}`;
  if (relayState !== null) s += `&RelayState=${e(relayState)}`;
  return s + `&SigAlg=${e(sigAlg)}`;
}

/** A signed HTTP-Redirect URL carrying `xml` to `destination` (RSA-SHA256 unless `sigAlg` says otherwise). */
export function buildRedirectUrl(input: {
  destination: string;
  param: RedirectParam;
  xml: string;
  relayState: string | null;
  signingKeyPem: string;
  sigAlg?: string;
}): string {
  const sigAlg = input.sigAlg ?? SIG_ALG.rsaSha256;
  const alg = NODE_ALG[sigAlg];
  if (!alg) throw new Error(`unsupported signature algorithm ${sigAlg}`);
  const value = zlib.deflateRawSync(Buffer.from(input.xml, "utf8")).toString("base64");
  const octets = signedOctets(input.param, value, input.relayState, sigAlg, true);
  const key = alg.ecdsa ? { key: input.signingKeyPem, dsaEncoding: "ieee-p1363" as const } : input.signingKeyPem;
  const signature = crypto.sign(alg.hash, Buffer.from(octets, "utf8"), key).toString("base64");
  const sep = input.destination.includes("?") ? "&" : "?";
  return `${input.destination}${sep}${octets}&Signature=${encodeURIComponent(signature)}`;
}

export type RedirectMessage = { ok: true; param: RedirectParam; xml: string; relayState: string | null; sigAlg: string };

function formDecode(raw: string): string | null {
  try {
    return decodeURIComponent(raw.replace(/\+/g, " "));
  } catch {
    return null;
  }
}

/** Inflate with a cap on the output (a small deflated value must not grow into megabytes). */
export function inflateCapped(base64: string, maxBytes: number): { ok: true; xml: string } | SamlFailure {
  const compact = base64.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0 || compact.length === 0)
    return fail("SAML_SLO_MALFORMED", { reason: "the message is not valid base64" });
  let out: Buffer;
  try {
    out = zlib.inflateRawSync(Buffer.from(compact, "base64"), { maxOutputLength: maxBytes });
  } catch (e) {
    const tooLarge = (e as { code?: string }).code === "ERR_BUFFER_TOO_LARGE" || /maxOutputLength|buffer/i.test(String(e));
    return tooLarge
      ? fail("SAML_SLO_TOO_LARGE", { maxBytes, reason: "the inflated message is larger than allowed" })
      : fail("SAML_SLO_MALFORMED", { reason: "the message is not DEFLATE-compressed" });
  }
  try {
    return { ok: true, xml: new TextDecoder("utf-8", { fatal: true }).decode(out) };
  } catch {
    return fail("SAML_SLO_MALFORMED", { reason: "the message is not UTF-8" });
  }
}

/**
 * Read and verify an HTTP-Redirect message from the raw query string (without "?"). Exactly one of
 * SAMLRequest/SAMLResponse, no repeated parameter, a Signature with an allowlisted SigAlg that verifies
 * with one of `keys`. Returns the inflated XML (every byte of it is covered by the signature).
 */
export function verifyRedirectMessage(
  rawQuery: string,
  keys: crypto.KeyObject[],
  opts: { allowSha1: boolean; maxBytes?: number },
): RedirectMessage | SamlFailure {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  if (rawQuery.length > maxBytes * 2) return fail("SAML_SLO_TOO_LARGE", { maxBytes, actualBytes: rawQuery.length });
  const raw = new Map<string, string>();
  for (const part of rawQuery.replace(/^\?/, "").split("&")) {
    if (!part) continue;
    const i = part.indexOf("=");
    const name = i < 0 ? part : part.slice(0, i);
    if (!["SAMLRequest", "SAMLResponse", "RelayState", "SigAlg", "Signature"].includes(name)) continue;
    if (raw.has(name)) return fail("SAML_SLO_MALFORMED", { reason: `the ${name} parameter is repeated` });
    raw.set(name, i < 0 ? "" : part.slice(i + 1));
  }
  const params = (["SAMLRequest", "SAMLResponse"] as const).filter((p) => raw.has(p));
  if (params.length !== 1) return fail("SAML_SLO_MALFORMED", { reason: "send exactly one of SAMLRequest or SAMLResponse" });
  const param = params[0];
  const value = formDecode(raw.get(param)!);
  const relayState = raw.has("RelayState") ? formDecode(raw.get("RelayState")!) : null;
  if (value === null || (raw.has("RelayState") && relayState === null))
    return fail("SAML_SLO_MALFORMED", { reason: "a parameter is not URL-encoded correctly" });
  if (value.length > maxBytes) return fail("SAML_SLO_TOO_LARGE", { maxBytes, actualBytes: value.length });
  if (relayState !== null && relayState.length > 1024)
    return fail("SAML_SLO_MALFORMED", { reason: "RelayState is longer than 1024 characters" });

  if (!raw.has("Signature") || !raw.has("SigAlg")) return fail("SAML_SLO_SIGNATURE_MISSING", { binding: "HTTP-Redirect" });
  const sigAlg = formDecode(raw.get("SigAlg")!) ?? "";
  if (!isAllowedSignatureAlgorithm(sigAlg, opts.allowSha1) || !NODE_ALG[sigAlg]) {
    return fail("SAML_SLO_WEAK_ALGORITHM", { kind: "signature", actual: sigAlg.slice(0, 200), allowSha1: opts.allowSha1 });
  }
  const signature = Buffer.from(formDecode(raw.get("Signature")!) ?? "", "base64");
  if (signature.length === 0) return fail("SAML_SLO_SIGNATURE_INVALID", { reason: "the Signature parameter is empty" });
  if (keys.length === 0) return fail("SAML_SLO_SIGNATURE_INVALID", { reason: "no usable IdP certificate is configured" });
  // The octets as they travelled (§3.4.4.1): the raw, still URL-encoded values, in this fixed order.
  const octets = Buffer.from(
    `${param}=${raw.get(param)}` + (raw.has("RelayState") ? `&RelayState=${raw.get("RelayState")}` : "") + `&SigAlg=${raw.get("SigAlg")}`,
    "utf8",
  );
  const alg = NODE_ALG[sigAlg];
  const verified = keys.some((key) => {
    try {
      return crypto.verify(alg.hash, octets, alg.ecdsa ? { key, dsaEncoding: "ieee-p1363" } : key, signature);
    } catch {
      return false;
    }
  });
  if (!verified)
    return fail("SAML_SLO_SIGNATURE_INVALID", {
      binding: "HTTP-Redirect",
      reason: `signature does not verify with any of the ${keys.length} configured IdP certificate(s)`,
    });
  const inflated = inflateCapped(value, maxBytes);
  if (!inflated.ok) return inflated;
  return { ok: true, param, xml: inflated.xml, relayState, sigAlg };
}
