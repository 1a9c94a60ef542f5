/**
 * validateLogoutMessage, one attack per row, on real signed messages from the dev IdP (HTTP-Redirect
 * query signatures and HTTP-POST enveloped signatures), plus the SP's own signed LogoutRequest and
 * LogoutResponse read back by the IdP side.
 */
import zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { createDevIdp, type SentMessage } from "@/lib/dev-idp";
import { generateSpKeyPair } from "./certificates";
import { buildLogoutRequest, buildLogoutResponse, LOGOUT_STATUS } from "./logout-messages";
import { validateLogoutMessage, type ExpectedLogout, type IncomingLogout } from "./logout-validate";

const idp = createDevIdp({ entityId: "https://idp.slo.test/entity" });
const attacker = generateSpKeyPair({ commonName: "attacker" });
const sp = generateSpKeyPair({ commonName: "sp" });
const SP_SLO = "http://localhost:3999/auth/sso/saml/acme/slo";
const SP_ENTITY = "http://localhost:3999/auth/sso/saml/acme";
const NOW = new Date("2026-11-28T06:00:00Z");
const expected: ExpectedLogout = {
  idpEntityId: idp.entityId,
  spSloUrl: SP_SLO,
  idpCertificatesPem: [idp.certificatePem],
  allowSha1: false,
  clockSkewSeconds: 60,
};

function incoming(sent: SentMessage): IncomingLogout {
  if ("url" in sent) return { binding: "redirect", rawQuery: new URL(sent.url).search.slice(1) };
  return {
    binding: "post",
    samlRequest: sent.fields.SAMLRequest ?? null,
    samlResponse: sent.fields.SAMLResponse ?? null,
    relayState: sent.fields.RelayState ?? null,
  };
}

const request = (
  o: Partial<Parameters<typeof idp.createLogoutRequest>[0]> = {},
  send: Partial<Parameters<typeof idp.createLogoutRequest>[1]> = {},
) =>
  incoming(
    idp.createLogoutRequest(
      { destination: SP_SLO, nameId: "ada@corp.test", sessionIndex: "_s1", now: NOW, ...o },
      { binding: "redirect", to: SP_SLO, relayState: "rs-1", ...send },
    ),
  );
const response = (
  o: Partial<Parameters<typeof idp.createLogoutResponse>[0]> = {},
  send: Partial<Parameters<typeof idp.createLogoutResponse>[1]> = {},
) =>
  incoming(
    idp.createLogoutResponse({ destination: SP_SLO, inResponseTo: "_req1", now: NOW, ...o }, { binding: "redirect", to: SP_SLO, ...send }),
  );

const check = (i: IncomingLogout, e: Partial<ExpectedLogout> = {}, now = NOW) =>
  validateLogoutMessage({ incoming: i, expected: { ...expected, ...e }, now });

describe("validateLogoutMessage: valid messages", () => {
  it("an IdP LogoutRequest over HTTP-Redirect and HTTP-POST: NameID, SessionIndex, RelayState", () => {
    for (const binding of ["redirect", "post"] as const) {
      const r = check(request({}, { binding }));
      expect(r.ok, JSON.stringify(r)).toBe(true);
      if (!r.ok || r.message.kind !== "LogoutRequest") throw new Error("expected a LogoutRequest");
      expect(r.message).toMatchObject({ nameId: "ada@corp.test", sessionIndexes: ["_s1"], issuer: idp.entityId });
      expect(r.relayState).toBe("rs-1");
      expect(r.binding).toBe(binding);
    }
  });

  it("an IdP LogoutResponse (both bindings) with its InResponseTo and status", () => {
    for (const binding of ["redirect", "post"] as const) {
      const r = check(response({ statusCode: LOGOUT_STATUS.responder }, { binding }));
      expect(r.ok && r.message.kind === "LogoutResponse" && r.message).toMatchObject({
        inResponseTo: "_req1",
        statusCode: LOGOUT_STATUS.responder,
      });
    }
  });

  it("the SP's own LogoutRequest and LogoutResponse verify at the IdP with the SP certificate (both bindings)", () => {
    for (const binding of ["redirect", "post"] as const) {
      const req = buildLogoutRequest({
        spEntityId: SP_ENTITY,
        idpSloUrl: "https://idp.slo.test/slo",
        subject: { nameId: "ada@corp.test", nameIdFormat: "urn:x", nameQualifier: "q", spNameQualifier: null, sessionIndex: "_s1" },
        binding,
        relayState: null,
        signingKeyPem: sp.privateKeyPem,
        now: NOW,
      });
      const asInput =
        req.binding === "redirect"
          ? { binding: "redirect" as const, query: req.url }
          : { binding: "post" as const, value: req.fields.SAMLRequest!, relayState: null };
      const read = idp.readLogoutMessage(asInput, [sp.certificatePem]);
      expect(read).toMatchObject({ kind: "LogoutRequest", id: req.id, issuer: SP_ENTITY, nameId: "ada@corp.test", sessionIndex: "_s1" });
      expect(() => idp.readLogoutMessage(asInput, [attacker.certificatePem])).toThrow();
    }
    const res = buildLogoutResponse({
      spEntityId: SP_ENTITY,
      idpSloUrl: "https://idp.slo.test/slo",
      inResponseTo: "_idp1",
      status: { code: LOGOUT_STATUS.success },
      binding: "redirect",
      relayState: "back",
      signingKeyPem: sp.privateKeyPem,
      now: NOW,
    });
    expect(idp.readLogoutMessage({ binding: "redirect", query: (res as { url: string }).url }, [sp.certificatePem])).toMatchObject({
      kind: "LogoutResponse",
      inResponseTo: "_idp1",
      statusCode: LOGOUT_STATUS.success,
      relayState: "back",
    });
  });
});

/** Each attack must be refused with its code. */
const attacks: { name: string; input: () => IncomingLogout; code: string; expected?: Partial<ExpectedLogout>; now?: Date }[] = [
  { name: "unsigned LogoutRequest (HTTP-Redirect)", input: () => request({}, { sign: false }), code: "SAML_SLO_SIGNATURE_MISSING" },
  {
    name: "unsigned LogoutRequest (HTTP-POST)",
    input: () => request({}, { binding: "post", sign: false }),
    code: "SAML_SLO_SIGNATURE_MISSING",
  },
  { name: "unsigned LogoutResponse", input: () => response({}, { sign: false }), code: "SAML_SLO_SIGNATURE_MISSING" },
  {
    name: "signed with a certificate the connection does not trust (Redirect)",
    input: () => request({}, { signingKey: attacker }),
    code: "SAML_SLO_SIGNATURE_INVALID",
  },
  {
    name: "signed with a certificate the connection does not trust (POST)",
    input: () => request({}, { binding: "post", signingKey: attacker }),
    code: "SAML_SLO_SIGNATURE_INVALID",
  },
  { name: "wrong issuer", input: () => request({ issuer: "https://evil.test/idp" }), code: "SAML_SLO_WRONG_ISSUER" },
  {
    name: "wrong destination",
    input: () => request({ destination: "http://localhost:3999/auth/sso/saml/other/slo" }),
    code: "SAML_SLO_DESTINATION_MISMATCH",
  },
  { name: "no destination", input: () => request({ destination: null }), code: "SAML_SLO_DESTINATION_MISMATCH" },
  {
    name: "expired (IssueInstant older than the window)",
    input: () => request({ now: new Date(NOW.getTime() - 10 * 60_000), notOnOrAfter: null }),
    code: "SAML_SLO_EXPIRED",
  },
  {
    name: "expired (NotOnOrAfter passed)",
    input: () => request({ notOnOrAfter: new Date(NOW.getTime() - 2 * 60_000) }),
    code: "SAML_SLO_EXPIRED",
  },
  { name: "issued in the future", input: () => request({ now: new Date(NOW.getTime() + 10 * 60_000) }), code: "SAML_SLO_EXPIRED" },
  {
    name: "SHA-1 signature (Redirect) on a connection without SHA-1",
    input: () => request({}, { sigAlg: "rsaSha1" }),
    code: "SAML_SLO_WEAK_ALGORITHM",
  },
  {
    name: "SHA-1 signature (POST) on a connection without SHA-1",
    input: () => request({}, { binding: "post", sigAlg: "rsaSha1", digestAlg: "sha1" }),
    code: "SAML_SLO_WEAK_ALGORITHM",
  },
  {
    name: "tampered query: the NameID swapped after signing (Redirect)",
    input: () => {
      const good = request() as { binding: "redirect"; rawQuery: string };
      const other = (request({ nameId: "victim@corp.test" }) as { rawQuery: string }).rawQuery;
      const swap = (q: string) => new URLSearchParams(q).get("SAMLRequest")!;
      return {
        binding: "redirect",
        rawQuery: good.rawQuery.replace(encodeURIComponent(swap(good.rawQuery)), encodeURIComponent(swap(other))),
      };
    },
    code: "SAML_SLO_SIGNATURE_INVALID",
  },
  {
    name: "RelayState changed after signing (Redirect)",
    input: () => {
      const good = request() as { binding: "redirect"; rawQuery: string };
      return { binding: "redirect", rawQuery: good.rawQuery.replace("RelayState=rs-1", "RelayState=evil") };
    },
    code: "SAML_SLO_SIGNATURE_INVALID",
  },
  {
    name: "wrapped signature: a signed LogoutRequest moved into an unsigned one naming another person (POST)",
    input: () => {
      const signed = Buffer.from((request({}, { binding: "post" }) as { samlRequest: string }).samlRequest, "base64").toString("utf8");
      const signedEl = signed.replace(/^<\?xml[^>]*>/, "");
      const wrapper =
        `<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_evil" Version="2.0" IssueInstant="${NOW.toISOString()}" Destination="${SP_SLO}">` +
        `<saml:Issuer>${idp.entityId}</saml:Issuer><samlp:Extensions>${signedEl}</samlp:Extensions>` +
        `<saml:NameID>victim@corp.test</saml:NameID></samlp:LogoutRequest>`;
      return { binding: "post", samlRequest: Buffer.from(wrapper).toString("base64"), samlResponse: null, relayState: null };
    },
    code: "SAML_SLO_SIGNATURE_INVALID",
  },
  {
    name: "wrapped signature: the signature's Reference points at another element (POST)",
    input: () => {
      const signed = Buffer.from((request({}, { binding: "post" }) as { samlRequest: string }).samlRequest, "base64").toString("utf8");
      const moved = signed.replace(/ID="(_[0-9a-f]+)"/, 'ID="_other"');
      return { binding: "post", samlRequest: Buffer.from(moved).toString("base64"), samlResponse: null, relayState: null };
    },
    code: "SAML_SLO_SIGNATURE_INVALID",
  },
  {
    name: "a LogoutResponse sent as SAMLRequest",
    input: () => {
      const r = response({}, { binding: "post" }) as { samlResponse: string };
      return { binding: "post", samlRequest: r.samlResponse, samlResponse: null, relayState: null };
    },
    code: "SAML_SLO_MALFORMED",
  },
  {
    name: "both SAMLRequest and SAMLResponse",
    input: () => ({ binding: "post", samlRequest: "AAAA", samlResponse: "AAAA", relayState: null }),
    code: "SAML_SLO_MALFORMED",
  },
  {
    name: "a deflate bomb under a forged signature (refused before inflating)",
    input: () => {
      const q = new URLSearchParams((request() as { rawQuery: string }).rawQuery);
      q.set("SAMLRequest", zlib.deflateRawSync(Buffer.alloc(2 * 1024 * 1024, 0x41)).toString("base64"));
      return { binding: "redirect", rawQuery: q.toString() };
    },
    code: "SAML_SLO_SIGNATURE_INVALID",
  },
  {
    name: "a LogoutResponse without InResponseTo",
    input: () => response({ inResponseTo: null }),
    code: "SAML_SLO_IN_RESPONSE_TO_INVALID",
  },
  {
    name: "a DOCTYPE (POST)",
    input: () => ({
      binding: "post",
      samlRequest: Buffer.from('<!DOCTYPE x [<!ENTITY a "b">]><x/>').toString("base64"),
      samlResponse: null,
      relayState: null,
    }),
    code: "SAML_SLO_MALFORMED",
  },
  {
    name: "an oversized POST body",
    input: () => ({ binding: "post", samlRequest: "A".repeat(300 * 1024), samlResponse: null, relayState: null }),
    code: "SAML_SLO_TOO_LARGE",
  },
];

describe("validateLogoutMessage: attacks", () => {
  for (const a of attacks) {
    it(`refuses: ${a.name}`, () => {
      const r = check(a.input(), a.expected, a.now);
      expect(r.ok ? "accepted" : r.code).toBe(a.code);
    });
  }

  it("SHA-1 is accepted only where the connection allows it", () => {
    const r = check(request({}, { sigAlg: "rsaSha1" }), { allowSha1: true });
    expect(r.ok).toBe(true);
  });

  it("a signed deflate bomb is stopped by the inflate cap, not by memory", async () => {
    const { buildRedirectUrl } = await import("./redirect-binding");
    const keys = { privateKeyPem: idp.privateKeyPem };
    const huge = `<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">${"A".repeat(2 * 1024 * 1024)}</samlp:LogoutRequest>`;
    const url = buildRedirectUrl({
      destination: SP_SLO,
      param: "SAMLRequest",
      xml: huge,
      relayState: null,
      signingKeyPem: keys.privateKeyPem,
    });
    const r = check({ binding: "redirect", rawQuery: new URL(url).search.slice(1) });
    expect(r.ok ? "accepted" : r.code).toBe("SAML_SLO_TOO_LARGE");
  });
});
