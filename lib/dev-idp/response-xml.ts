/** Builds the (unsigned) SAML Response XML the dev IdP signs. Every field can be overridden by tests. */
import crypto from "node:crypto";
import { CM_BEARER, NAMEID_FORMAT, NS, STATUS_SUCCESS } from "@/lib/saml/constants";
import { escapeXml } from "@/lib/saml/xml";

export type Omittable =
  | "conditions"
  | "notBefore"
  | "notOnOrAfter"
  | "subjectNotOnOrAfter"
  | "audience"
  | "bearer"
  | "responseIssuer"
  | "assertionIssuer"
  | "destination"
  | "recipient"
  | "authnStatement";

export type ResponseFields = {
  acsUrl: string;
  audience: string | string[];
  inResponseTo?: string | null;
  /** InResponseTo on the Response element; defaults to `inResponseTo`. */
  responseInResponseTo?: string | null;
  nameId: string;
  nameIdFormat?: string;
  attributes?: Record<string, string | string[]>;
  issuer: string;
  responseIssuer?: string;
  destination?: string;
  recipient?: string;
  notBefore?: Date;
  notOnOrAfter?: Date;
  subjectNotOnOrAfter?: Date;
  assertionId?: string;
  responseId?: string;
  sessionIndex?: string;
  statusCode?: string;
  subjectConfirmationMethod?: string;
  omit?: Omittable[];
  now: Date;
};

export const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");
export const randomId = () => "_" + crypto.randomBytes(20).toString("hex");

function attributeXml(name: string, values: string | string[]): string {
  const format = name.includes(":")
    ? "urn:oasis:names:tc:SAML:2.0:attrname-format:uri"
    : "urn:oasis:names:tc:SAML:2.0:attrname-format:basic";
  const vals = (Array.isArray(values) ? values : [values])
    .map((v) => `<saml:AttributeValue xsi:type="xs:string">${escapeXml(v)}</saml:AttributeValue>`)
    .join("");
  return `<saml:Attribute Name="${escapeXml(name)}" NameFormat="${format}">${vals}</saml:Attribute>`;
}

export function buildResponseXml(f: ResponseFields): string {
  const omit = new Set(f.omit ?? []);
  const now = f.now;
  const notBefore = f.notBefore ?? new Date(now.getTime() - 5_000);
  const notOnOrAfter = f.notOnOrAfter ?? new Date(now.getTime() + 5 * 60_000);
  const subjectNotOnOrAfter = f.subjectNotOnOrAfter ?? notOnOrAfter;
  const assertionId = f.assertionId ?? randomId();
  const responseId = f.responseId ?? randomId();
  const irt = f.inResponseTo ?? null;
  const responseIrt = f.responseInResponseTo === undefined ? irt : f.responseInResponseTo;
  const audiences = Array.isArray(f.audience) ? f.audience : [f.audience];
  const attrs = Object.entries(f.attributes ?? {});

  const responseAttrs = [
    `xmlns:samlp="${NS.protocol}"`,
    `xmlns:saml="${NS.assertion}"`,
    `ID="${escapeXml(responseId)}"`,
    `Version="2.0"`,
    `IssueInstant="${iso(now)}"`,
    omit.has("destination") ? "" : `Destination="${escapeXml(f.destination ?? f.acsUrl)}"`,
    responseIrt ? `InResponseTo="${escapeXml(responseIrt)}"` : "",
  ].filter(Boolean);
  const scdAttrs = [
    irt ? `InResponseTo="${escapeXml(irt)}"` : "",
    omit.has("subjectNotOnOrAfter") ? "" : `NotOnOrAfter="${iso(subjectNotOnOrAfter)}"`,
    omit.has("recipient") ? "" : `Recipient="${escapeXml(f.recipient ?? f.acsUrl)}"`,
  ].filter(Boolean);
  const conditionAttrs = [
    omit.has("notBefore") ? "" : `NotBefore="${iso(notBefore)}"`,
    omit.has("notOnOrAfter") ? "" : `NotOnOrAfter="${iso(notOnOrAfter)}"`,
  ].filter(Boolean);

  return (
    `<samlp:Response ${responseAttrs.join(" ")}>` +
    (omit.has("responseIssuer") ? "" : `<saml:Issuer>${escapeXml(f.responseIssuer ?? f.issuer)}</saml:Issuer>`) +
    `<samlp:Status><samlp:StatusCode Value="${escapeXml(f.statusCode ?? STATUS_SUCCESS)}"/></samlp:Status>` +
    `<saml:Assertion xmlns:xsi="${NS.xsi}" xmlns:xs="${NS.xs}" ID="${escapeXml(assertionId)}" Version="2.0" IssueInstant="${iso(now)}">` +
    (omit.has("assertionIssuer") ? "" : `<saml:Issuer>${escapeXml(f.issuer)}</saml:Issuer>`) +
    `<saml:Subject>` +
    `<saml:NameID Format="${escapeXml(f.nameIdFormat ?? NAMEID_FORMAT.emailAddress)}">${escapeXml(f.nameId)}</saml:NameID>` +
    (omit.has("bearer")
      ? ""
      : `<saml:SubjectConfirmation Method="${escapeXml(f.subjectConfirmationMethod ?? CM_BEARER)}"><saml:SubjectConfirmationData ${scdAttrs.join(" ")}/></saml:SubjectConfirmation>`) +
    `</saml:Subject>` +
    (omit.has("conditions")
      ? ""
      : `<saml:Conditions ${conditionAttrs.join(" ")}>` +
        (omit.has("audience")
          ? ""
          : `<saml:AudienceRestriction>${audiences.map((a) => `<saml:Audience>${escapeXml(a)}</saml:Audience>`).join("")}</saml:AudienceRestriction>`) +
        `</saml:Conditions>`) +
    (omit.has("authnStatement")
      ? ""
      : `<saml:AuthnStatement AuthnInstant="${iso(now)}" SessionIndex="${escapeXml(f.sessionIndex ?? assertionId)}">` +
        `<saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext>` +
        `</saml:AuthnStatement>`) +
    (attrs.length ? `<saml:AttributeStatement>${attrs.map(([n, v]) => attributeXml(n, v)).join("")}</saml:AttributeStatement>` : "") +
    `</saml:Assertion>` +
    `</samlp:Response>`
  );
}
