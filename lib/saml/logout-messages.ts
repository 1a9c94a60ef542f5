/**
 * SAML single logout messages we send: a LogoutRequest naming the person of one sign-in, and the
 * LogoutResponse answering an IdP's LogoutRequest. Signed for the HTTP-Redirect binding (query
 * signature) or the HTTP-POST binding (enveloped XML signature via xml-crypto).
 */
import { NS } from "./constants";
import { newSamlId, signXmlEnveloped } from "./authn-request";
import { buildRedirectUrl, type RedirectParam } from "./redirect-binding";
import { escapeXml } from "./xml";

export const LOGOUT_STATUS = {
  success: "urn:oasis:names:tc:SAML:2.0:status:Success",
  requester: "urn:oasis:names:tc:SAML:2.0:status:Requester",
  responder: "urn:oasis:names:tc:SAML:2.0:status:Responder",
  unknownPrincipal: "urn:oasis:names:tc:SAML:2.0:status:UnknownPrincipal",
  partialLogout: "urn:oasis:names:tc:SAML:2.0:status:PartialLogout",
} as const;

/** The person of one SSO sign-in, as the IdP named them (echoed back exactly in a LogoutRequest). */
export type LogoutSubject = {
  nameId: string;
  nameIdFormat: string | null;
  nameQualifier: string | null;
  spNameQualifier: string | null;
  sessionIndex: string | null;
};

export type OutgoingBinding = "redirect" | "post";

export type BuiltLogoutMessage =
  { id: string; binding: "redirect"; url: string } | { id: string; binding: "post"; action: string; fields: Record<string, string> };

function isoInstant(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

const optAttr = (name: string, v: string | null) => (v ? ` ${name}="${escapeXml(v)}"` : "");

export function logoutRequestXml(input: {
  id: string;
  spEntityId: string;
  destination: string;
  subject: LogoutSubject;
  now: Date;
}): string {
  const s = input.subject;
  const notOnOrAfter = new Date(input.now.getTime() + 5 * 60_000);
  return (
    `<samlp:LogoutRequest xmlns:samlp="${NS.protocol}" xmlns:saml="${NS.assertion}" ID="${escapeXml(input.id)}" Version="2.0" ` +
    `IssueInstant="${isoInstant(input.now)}" NotOnOrAfter="${isoInstant(notOnOrAfter)}" Destination="${escapeXml(input.destination)}">` +
    `<saml:Issuer>${escapeXml(input.spEntityId)}</saml:Issuer>` +
    `<saml:NameID${optAttr("Format", s.nameIdFormat)}${optAttr("NameQualifier", s.nameQualifier)}${optAttr("SPNameQualifier", s.spNameQualifier)}>` +
    `${escapeXml(s.nameId)}</saml:NameID>` +
    (s.sessionIndex ? `<samlp:SessionIndex>${escapeXml(s.sessionIndex)}</samlp:SessionIndex>` : "") +
    `</samlp:LogoutRequest>`
  );
}

export type LogoutStatus = { code: string; subCode?: string | null; message?: string | null };

export function logoutResponseXml(input: {
  id: string;
  spEntityId: string;
  destination: string;
  inResponseTo: string;
  status: LogoutStatus;
  now: Date;
}): string {
  const st = input.status;
  const code = st.subCode
    ? `<samlp:StatusCode Value="${escapeXml(st.code)}"><samlp:StatusCode Value="${escapeXml(st.subCode)}"/></samlp:StatusCode>`
    : `<samlp:StatusCode Value="${escapeXml(st.code)}"/>`;
  return (
    `<samlp:LogoutResponse xmlns:samlp="${NS.protocol}" xmlns:saml="${NS.assertion}" ID="${escapeXml(input.id)}" Version="2.0" ` +
    `IssueInstant="${isoInstant(input.now)}" Destination="${escapeXml(input.destination)}" InResponseTo="${escapeXml(input.inResponseTo)}">` +
    `<saml:Issuer>${escapeXml(input.spEntityId)}</saml:Issuer>` +
    `<samlp:Status>${code}${st.message ? `<samlp:StatusMessage>${escapeXml(st.message.slice(0, 200))}</samlp:StatusMessage>` : ""}</samlp:Status>` +
    `</samlp:LogoutResponse>`
  );
}

/** Sign `xml` (root element `rootName`) for `binding` and address it to `destination`. */
export function encodeSignedMessage(input: {
  xml: string;
  id: string;
  rootName: "LogoutRequest" | "LogoutResponse";
  destination: string;
  binding: OutgoingBinding;
  relayState: string | null;
  signingKeyPem: string;
}): BuiltLogoutMessage {
  const param: RedirectParam = input.rootName === "LogoutRequest" ? "SAMLRequest" : "SAMLResponse";
  if (input.binding === "redirect") {
    const url = buildRedirectUrl({
      destination: input.destination,
      param,
      xml: input.xml,
      relayState: input.relayState,
      signingKeyPem: input.signingKeyPem,
    });
    return { id: input.id, binding: "redirect", url };
  }
  const signed = signXmlEnveloped(input.xml, input.signingKeyPem, {
    referenceXpath: `/*[local-name(.)='${input.rootName}']`,
    issuerXpath: `/*[local-name(.)='${input.rootName}']/*[local-name(.)='Issuer']`,
  });
  const fields: Record<string, string> = { [param]: Buffer.from(signed, "utf8").toString("base64") };
  if (input.relayState) fields.RelayState = input.relayState;
  return { id: input.id, binding: "post", action: input.destination, fields };
}

/** A signed LogoutRequest for the person of one sign-in (SP-initiated single logout). */
export function buildLogoutRequest(input: {
  id?: string;
  spEntityId: string;
  idpSloUrl: string;
  subject: LogoutSubject;
  binding: OutgoingBinding;
  relayState: string | null;
  signingKeyPem: string;
  now: Date;
}): BuiltLogoutMessage {
  const id = input.id ?? newSamlId();
  const xml = logoutRequestXml({ id, spEntityId: input.spEntityId, destination: input.idpSloUrl, subject: input.subject, now: input.now });
  return encodeSignedMessage({ ...input, xml, id, rootName: "LogoutRequest", destination: input.idpSloUrl });
}

/** A signed LogoutResponse answering an IdP's LogoutRequest. */
export function buildLogoutResponse(input: {
  id?: string;
  spEntityId: string;
  idpSloUrl: string;
  inResponseTo: string;
  status: LogoutStatus;
  binding: OutgoingBinding;
  relayState: string | null;
  signingKeyPem: string;
  now: Date;
}): BuiltLogoutMessage {
  const id = input.id ?? newSamlId();
  const xml = logoutResponseXml({ ...input, id, destination: input.idpSloUrl });
  return encodeSignedMessage({ ...input, xml, id, rootName: "LogoutResponse", destination: input.idpSloUrl });
}
