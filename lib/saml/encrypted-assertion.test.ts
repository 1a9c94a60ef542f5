/**
 * Encrypted assertions: real encryption by the dev IdP (xml-encryption) to real SP keys, then the full
 * validator. Every refused case is named after the attack or the misconfiguration it stands for.
 */
import { beforeAll, describe, expect, test } from "vitest";
import { DOMParser, XMLSerializer, type Element } from "@xmldom/xmldom";
import { type CreateResponseOptions, type EncryptFor } from "@/lib/dev-idp";
import { decodeResponse, encodeResponse } from "@/lib/dev-idp/attacks";
import { generateSpKeyPair, type SpKeyPair } from "./certificates";
import { CONTENT_ENCRYPTION, KEY_TRANSPORT, XMLENC, XMLENC11 } from "./encrypted-assertion";
import { validateSamlResponse } from "./index";
import { NS } from "./constants";
import { descendants } from "./xml";
import { ACS_URL, NOW, SP_ENTITY_ID, createScenario, type Scenario } from "./fixtures/scenario";

let s: Scenario;
let spKey: SpKeyPair;
let nextKey: SpKeyPair;
let otherKey: SpKeyPair;
beforeAll(() => {
  s = createScenario();
  spKey = generateSpKeyPair({ commonName: "sp enc" });
  nextKey = generateSpKeyPair({ commonName: "sp enc next" });
  otherKey = generateSpKeyPair({ commonName: "someone else" });
});

const base = (): CreateResponseOptions => ({
  acsUrl: ACS_URL,
  audience: SP_ENTITY_ID,
  nameId: "jane.doe@acme.test",
  inResponseTo: "_req-123",
  attributes: { firstName: "Jane", lastName: "Doe" },
  now: NOW,
});
const encrypted = (opts: Partial<CreateResponseOptions> = {}, enc: Partial<EncryptFor> = {}, idp = s.idp) =>
  idp.createEncryptedResponse({ ...base(), ...opts }, { certificatePem: spKey.certificatePem, ...enc });
const validate = (samlResponse: string, extra: { keys?: string[]; require?: boolean } = {}) =>
  validateSamlResponse({
    samlResponse,
    expected: {
      ...s.expected,
      decryptionKeysPem: extra.keys ?? [spKey.privateKeyPem],
      requireEncryptedAssertions: extra.require ?? false,
    },
    now: NOW,
  });
const codeOf = (r: ReturnType<typeof validate>) => (r.ok ? "ok" : r.code);

/** Edit the decoded XML's DOM (after encryption and signing) and re-encode it. */
function editDom(b64: string, edit: (root: Element) => void): string {
  const doc = new DOMParser().parseFromString(decodeResponse(b64), "text/xml");
  edit(doc.documentElement as Element);
  return encodeResponse(new XMLSerializer().serializeToString(doc));
}

describe("encrypted assertions that are accepted", () => {
  test.each([
    ["assertion", CONTENT_ENCRYPTION.aes256Gcm],
    ["response", CONTENT_ENCRYPTION.aes256Gcm],
    ["both", CONTENT_ENCRYPTION.aes128Gcm],
    ["assertion", CONTENT_ENCRYPTION.aes256Cbc],
    ["both", CONTENT_ENCRYPTION.aes128Cbc],
  ] as const)("signed %s, content %s → identity from the decrypted, signed assertion", async (sign, contentAlgorithm) => {
    const r = validate(await encrypted({ sign }, { contentAlgorithm }));
    expect(codeOf(r)).toBe("ok");
    if (r.ok)
      expect([r.assertion.email, r.assertion.firstName, r.assertion.inResponseTo]).toEqual(["jane.doe@acme.test", "Jane", "_req-123"]);
  });

  test.each([
    ["rsa-oaep-mgf1p, SHA-1", KEY_TRANSPORT.rsaOaepMgf1p, "sha1"],
    ["rsa-oaep-mgf1p, SHA-256", KEY_TRANSPORT.rsaOaepMgf1p, "sha256"],
    ["xmlenc11 rsa-oaep, SHA-256", KEY_TRANSPORT.rsaOaep, "sha256"],
  ] as const)("key transport %s is accepted", async (_name, keyAlgorithm, keyDigest) => {
    expect(codeOf(validate(await encrypted({}, { keyAlgorithm, keyDigest })))).toBe("ok");
  });

  test("the decrypted assertion goes through every plain rule (wrong audience is still refused)", async () => {
    expect(codeOf(validate(await encrypted({ audience: "https://other-sp.test" })))).toBe("SAML_AUDIENCE_MISMATCH");
    expect(codeOf(validate(await encrypted({ acsUrl: "https://evil.test/acs", destination: ACS_URL })))).toBe("SAML_RECIPIENT_MISMATCH");
  });
});

describe("attacks and misconfigurations", () => {
  test("RSA-1.5 key transport is refused before any key is used", async () => {
    const r = validate(await encrypted({}, { keyAlgorithm: KEY_TRANSPORT.rsa15 }));
    expect(codeOf(r)).toBe("SAML_ENCRYPTION_ALGORITHM_NOT_ALLOWED");
    expect(!r.ok && r.detail.kind).toBe("key_transport");
  });

  test("unknown algorithms: 3DES content, an invented content URI, an unknown OAEP digest, an unknown MGF", async () => {
    const tripleDes = await encrypted({}, { contentAlgorithm: `${XMLENC}tripledes-cbc` });
    expect(codeOf(validate(tripleDes))).toBe("SAML_ENCRYPTION_ALGORITHM_NOT_ALLOWED");
    const invented = editDom(await encrypted(), (root) => {
      const data = descendants(root, "EncryptedData", XMLENC)[0];
      descendants(data, "EncryptionMethod", XMLENC)[0].setAttribute("Algorithm", "urn:evil:aes-ecb");
    });
    expect(codeOf(validate(invented))).toBe("SAML_ENCRYPTION_ALGORITHM_NOT_ALLOWED");
    const md5Digest = editDom(await encrypted(), (root) => {
      const key = descendants(root, "EncryptedKey", XMLENC)[0];
      const method = descendants(key, "EncryptionMethod", XMLENC)[0];
      const digest = root.ownerDocument!.createElementNS(NS.dsig, "ds:DigestMethod");
      digest.setAttribute("Algorithm", "http://www.w3.org/2001/04/xmldsig-more#md5");
      for (const d of descendants(method, "DigestMethod")) method.removeChild(d);
      method.appendChild(digest);
    });
    expect(codeOf(validate(md5Digest))).toBe("SAML_ENCRYPTION_ALGORITHM_NOT_ALLOWED");
    const unknownMgf = editDom(await encrypted({}, { keyAlgorithm: KEY_TRANSPORT.rsaOaep }), (root) => {
      const method = descendants(descendants(root, "EncryptedKey", XMLENC)[0], "EncryptionMethod", XMLENC)[0];
      const mgf = root.ownerDocument!.createElementNS(XMLENC11, "xenc11:MGF");
      mgf.setAttribute("Algorithm", `${XMLENC11}mgf1sha224`);
      for (const d of descendants(method, "MGF")) method.removeChild(d);
      method.appendChild(mgf);
    });
    expect(codeOf(validate(unknownMgf))).toBe("SAML_ENCRYPTION_ALGORITHM_NOT_ALLOWED");
  });

  test("CBC with only an outer signature is refused (CBC needs the assertion itself signed)", async () => {
    const r = validate(await encrypted({ sign: "response" }, { contentAlgorithm: CONTENT_ENCRYPTION.aes256Cbc }));
    expect(codeOf(r)).toBe("SAML_ENCRYPTION_CBC_NEEDS_SIGNED_ASSERTION");
  });

  test("CBC padding oracle: a tampered, unauthenticated CBC ciphertext answers the same opaque code whatever broke", async () => {
    const good = await encrypted({ sign: "assertion" }, { contentAlgorithm: CONTENT_ENCRYPTION.aes256Cbc });
    const answers = new Set<string>();
    // Flip one byte at several places of the ciphertext (IV, middle, last block → padding).
    for (const at of [0, 5, 40, -20, -3, -1]) {
      const tampered = editDom(good, (root) => {
        const cv = descendants(descendants(root, "EncryptedData", XMLENC)[0], "CipherValue", XMLENC).pop()!;
        const bytes = Buffer.from(cv.textContent ?? "", "base64");
        const i = at < 0 ? bytes.length + at : at;
        bytes[i] ^= 0x41;
        cv.textContent = bytes.toString("base64");
      });
      const r = validate(tampered);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        answers.add(r.code);
        expect(r.detail).toEqual({});
      }
    }
    expect([...answers]).toEqual(["SAML_DECRYPTION_FAILED"]);
    // A forged, unsigned assertion in CBC (anyone can encrypt to the public key) answers the same.
    const forged = await encrypted({ sign: "none", nameId: "attacker@victim.test" }, { contentAlgorithm: CONTENT_ENCRYPTION.aes256Cbc });
    expect(validate(forged)).toEqual({ ok: false, code: "SAML_DECRYPTION_FAILED", detail: {} });
  });

  test("forged assertion encrypted to the SP's public key, unsigned (GCM) → signature missing", async () => {
    expect(codeOf(validate(await encrypted({ sign: "none", nameId: "attacker@victim.test" })))).toBe("SAML_SIGNATURE_MISSING");
  });

  test("forged assertion encrypted to the SP's public key, signed by the attacker → signature invalid", async () => {
    const r = validate(await encrypted({ sign: "assertion", nameId: "attacker@victim.test" }, {}, s.attacker));
    expect(codeOf(r)).toBe("SAML_SIGNATURE_INVALID");
  });

  test("signed Response whose EncryptedAssertion was swapped for an attacker's → the Response signature fails before decryption", async () => {
    const legit = await encrypted({ sign: "response" });
    const forged = decodeResponse(await encrypted({ sign: "none", nameId: "attacker@victim.test" }));
    const forgedEnc = descendants(new DOMParser().parseFromString(forged, "text/xml"), "EncryptedAssertion")[0];
    const swapped = editDom(legit, (root) => {
      const mine = descendants(root, "EncryptedAssertion")[0];
      root.replaceChild(root.ownerDocument!.importNode(forgedEnc, true), mine);
    });
    expect(codeOf(validate(swapped))).toBe("SAML_SIGNATURE_INVALID");
  });

  test("two EncryptedAssertions are refused before decrypting", async () => {
    const one = await encrypted({ sign: "assertion" });
    const two = editDom(one, (root) => {
      const enc = descendants(root, "EncryptedAssertion")[0];
      root.appendChild(enc.cloneNode(true));
    });
    expect(codeOf(validate(two))).toBe("SAML_MULTIPLE_ASSERTIONS");
  });

  test("encrypted + plain assertion side by side are refused", async () => {
    const plain = decodeResponse(s.response({ sign: "assertion", nameId: "attacker@victim.test" }));
    const plainAssertion = descendants(new DOMParser().parseFromString(plain, "text/xml"), "Assertion", NS.assertion)[0];
    for (const where of ["before", "after"] as const) {
      const both = editDom(await encrypted({ sign: "assertion" }), (root) => {
        const enc = descendants(root, "EncryptedAssertion")[0];
        const node = root.ownerDocument!.importNode(plainAssertion, true);
        if (where === "before") root.insertBefore(node, enc);
        else root.appendChild(node);
      });
      expect(codeOf(validate(both))).toBe("SAML_MULTIPLE_ASSERTIONS");
    }
  });

  test("oversized ciphertext is refused before decrypting", async () => {
    const big = editDom(await encrypted(), (root) => {
      const cv = descendants(descendants(root, "EncryptedData", XMLENC)[0], "CipherValue", XMLENC).pop()!;
      cv.textContent = "A".repeat(140_000);
    });
    expect(codeOf(validate(big))).toBe("SAML_ENCRYPTED_TOO_LARGE");
  });

  test("wrong key: encrypted for another SP's certificate → decryption failed, no detail", async () => {
    const r = validate(await encrypted({}, { certificatePem: otherKey.certificatePem }));
    expect(r).toEqual({ ok: false, code: "SAML_DECRYPTION_FAILED", detail: {} });
  });

  test("encryption required but plaintext → SAML_ENCRYPTION_REQUIRED (even when validly signed)", () => {
    expect(codeOf(validate(s.response({ sign: "both" }), { require: true }))).toBe("SAML_ENCRYPTION_REQUIRED");
  });

  test("encrypted but the connection has no encryption key → SAML_ENCRYPTED_UNSUPPORTED", async () => {
    expect(codeOf(validate(await encrypted(), { keys: [] }))).toBe("SAML_ENCRYPTED_UNSUPPORTED");
  });

  test("key rotation overlap: old and new key both decrypt during the overlap; the retired key is refused", async () => {
    const toOld = await encrypted({}, { certificatePem: spKey.certificatePem });
    const toNew = await encrypted({}, { certificatePem: nextKey.certificatePem });
    const overlap = [spKey.privateKeyPem, nextKey.privateKeyPem];
    expect([codeOf(validate(toOld, { keys: overlap })), codeOf(validate(toNew, { keys: overlap }))]).toEqual(["ok", "ok"]);
    expect(codeOf(validate(toOld, { keys: [nextKey.privateKeyPem] }))).toBe("SAML_DECRYPTION_FAILED");
  });

  test("a key referenced from outside the EncryptedAssertion (RetrievalMethod elsewhere) is refused", async () => {
    const r = editDom(await encrypted(), (root) => {
      const data = descendants(root, "EncryptedData", XMLENC)[0];
      const keyInfo = descendants(data, "KeyInfo", NS.dsig)[0];
      const rm = root.ownerDocument!.createElementNS(NS.dsig, "ds:RetrievalMethod");
      rm.setAttribute("URI", "#key-elsewhere");
      keyInfo.appendChild(rm);
    });
    expect(codeOf(validate(r))).toBe("SAML_MALFORMED");
  });
});
