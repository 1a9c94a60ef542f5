/** Conditions, audience, bearer subject confirmation and the validity windows of a (signed) assertion. */
import type { Element } from "@xmldom/xmldom";
import { CM_BEARER, NS } from "./constants";
import { attr, child, children, textOf } from "./xml";
import { fail, type ExpectedResponse, type SamlFailure } from "./types";

export type ConditionsOk = { ok: true; notOnOrAfter: Date; inResponseTo: string | null };

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function parseInstant(value: string | null): Date | null | "invalid" {
  if (value === null) return null;
  if (!ISO_INSTANT.test(value)) return "invalid";
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? "invalid" : d;
}

type Window = { notBefore: Date | null; notOnOrAfter: Date };

function checkWindow(w: Window, now: Date, skewMs: number, where: string): SamlFailure | null {
  if (w.notBefore && now.getTime() + skewMs < w.notBefore.getTime()) {
    return fail("SAML_NOT_YET_VALID", {
      where,
      notBefore: w.notBefore.toISOString(),
      now: now.toISOString(),
      clockSkewSeconds: skewMs / 1000,
    });
  }
  if (now.getTime() - skewMs >= w.notOnOrAfter.getTime()) {
    return fail("SAML_EXPIRED", {
      where,
      notOnOrAfter: w.notOnOrAfter.toISOString(),
      now: now.toISOString(),
      clockSkewSeconds: skewMs / 1000,
    });
  }
  return null;
}

/** Every AudienceRestriction must contain an Audience exactly equal to the SP entity ID. */
export function checkAudience(conditions: Element, spEntityId: string): SamlFailure | null {
  const restrictions = children(conditions, NS.assertion, "AudienceRestriction");
  const audiences = restrictions.map((r) => children(r, NS.assertion, "Audience").map((a) => textOf(a)));
  if (restrictions.length === 0) return fail("SAML_AUDIENCE_MISMATCH", { expected: spEntityId, actual: null });
  for (const list of audiences) {
    if (!list.includes(spEntityId))
      return fail("SAML_AUDIENCE_MISMATCH", { expected: spEntityId, actual: list.filter((a) => a !== null).slice(0, 5) });
  }
  return null;
}

/**
 * Checks in order: bearer confirmation, Recipient, presence of the validity windows, the windows
 * themselves (Conditions and SubjectConfirmationData), then the audience.
 */
export function checkConditions(assertion: Element, expected: ExpectedResponse, now: Date): ConditionsOk | SamlFailure {
  const skewMs = Math.max(0, expected.clockSkewSeconds) * 1000;
  const subject = child(assertion, NS.assertion, "Subject");
  const bearers = subject ? children(subject, NS.assertion, "SubjectConfirmation").filter((sc) => attr(sc, "Method") === CM_BEARER) : [];
  if (bearers.length === 0) return fail("SAML_BEARER_MISSING", { expected: CM_BEARER });
  const datas = bearers.map((sc) => child(sc, NS.assertion, "SubjectConfirmationData"));
  const data = datas.find((d) => attr(d, "Recipient") === expected.acsUrl);
  if (!data) return fail("SAML_RECIPIENT_MISMATCH", { expected: expected.acsUrl, actual: attr(datas[0], "Recipient") });

  const conditions = child(assertion, NS.assertion, "Conditions");
  if (children(assertion, NS.assertion, "Conditions").length > 1)
    return fail("SAML_MALFORMED", { reason: "more than one Conditions element" });
  const cNotBefore = parseInstant(attr(conditions, "NotBefore"));
  const cNotOnOrAfter = parseInstant(attr(conditions, "NotOnOrAfter"));
  const sNotBefore = parseInstant(attr(data, "NotBefore"));
  const sNotOnOrAfter = parseInstant(attr(data, "NotOnOrAfter"));
  if (!conditions || cNotBefore === null || cNotOnOrAfter === null || sNotOnOrAfter === null) {
    return fail("SAML_MISSING_CONDITIONS", {
      conditions: !!conditions,
      conditionsNotBefore: cNotBefore !== null,
      conditionsNotOnOrAfter: cNotOnOrAfter !== null,
      subjectConfirmationNotOnOrAfter: sNotOnOrAfter !== null,
    });
  }
  if (cNotBefore === "invalid" || cNotOnOrAfter === "invalid" || sNotBefore === "invalid" || sNotOnOrAfter === "invalid") {
    return fail("SAML_MALFORMED", { reason: "a validity instant is not an ISO 8601 dateTime" });
  }
  const windowFailure =
    checkWindow({ notBefore: cNotBefore, notOnOrAfter: cNotOnOrAfter }, now, skewMs, "Conditions") ??
    checkWindow({ notBefore: sNotBefore, notOnOrAfter: sNotOnOrAfter }, now, skewMs, "SubjectConfirmationData");
  if (windowFailure) return windowFailure;

  const audienceFailure = checkAudience(conditions, expected.spEntityId);
  if (audienceFailure) return audienceFailure;

  const notOnOrAfter = cNotOnOrAfter.getTime() < sNotOnOrAfter.getTime() ? cNotOnOrAfter : sNotOnOrAfter;
  const inResponseTo = attr(data, "InResponseTo");
  return { ok: true, notOnOrAfter, inResponseTo: inResponseTo ? inResponseTo : null };
}
