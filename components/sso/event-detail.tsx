import { Badge } from "@/components/ui/badge";
import { describeError, isErrorCode } from "@/lib/errors";
import { CopyButton } from "./copy-button";
import { FIXER_LABEL, formatDateTime } from "./format";
import type { SsoEventView } from "./types";

type Rule = { attribute: string; value: string; role: string } | null | undefined;
const IDENTITY_KEYS = new Set([
  "attributes",
  "nameId",
  "email",
  "firstName",
  "lastName",
  "role",
  "matchedRule",
  "mapping",
  "outcome",
  "expectedCertificates",
  "actualCertificates",
]);

type CertSummary = { fingerprintSha256: string; subject: string };

function certList(v: unknown): CertSummary[] | null {
  if (!Array.isArray(v)) return null;
  return v.filter(
    (c): c is CertSummary =>
      !!c &&
      typeof c === "object" &&
      typeof (c as CertSummary).fingerprintSha256 === "string" &&
      typeof (c as CertSummary).subject === "string",
  );
}

function CertColumn({ title, certs, empty, testId }: { title: string; certs: CertSummary[]; empty: string; testId: string }) {
  return (
    <div className="min-w-0 space-y-2" data-testid={testId}>
      <h3 className="text-sm font-semibold text-slate-800">{title}</h3>
      {certs.length === 0 ? (
        <p className="text-sm text-slate-600">{empty}</p>
      ) : (
        <ul className="space-y-3">
          {certs.map((c) => (
            <li key={c.fingerprintSha256} className="space-y-1 text-xs">
              <div className="flex items-start gap-2">
                <span className="w-28 shrink-0 text-slate-500">SHA-256</span>
                <code className="min-w-0 flex-1 break-all font-mono">{c.fingerprintSha256}</code>
                <CopyButton value={c.fingerprintSha256} label={`Copy the fingerprint ${c.fingerprintSha256}`} className="shrink-0" />
              </div>
              <div className="flex items-start gap-2">
                <span className="w-28 shrink-0 text-slate-500">Subject</span>
                <code className="min-w-0 flex-1 break-all font-mono">{c.subject}</code>
                <CopyButton value={c.subject} label={`Copy the subject ${c.subject}`} className="shrink-0" />
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** SAML_SIGNATURE_INVALID: the configured certificates beside the one that actually signed. */
function CertificateComparison({ expected, actual }: { expected: CertSummary[]; actual: CertSummary[] }) {
  return (
    <section aria-labelledby="ev-certs" className="rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
      <h2 id="ev-certs" className="border-b border-slate-100 px-5 py-3 text-base font-semibold">
        Which certificate signed
      </h2>
      <div className="grid gap-6 px-5 py-4 md:grid-cols-2">
        <CertColumn
          title="Expected: configured on this connection"
          certs={expected}
          empty="No usable certificate is configured."
          testId="expected-certificates"
        />
        <CertColumn
          title="Actual: in the response's signature"
          certs={actual}
          empty="The response names no certificate (its KeyInfo is empty)."
          testId="actual-certificates"
        />
      </div>
      <p className="border-t border-slate-100 px-5 py-3 text-xs text-slate-600">
        The response&apos;s certificate is shown to compare, never trusted. If the IdP rotated its signing certificate, refresh the metadata
        (or paste the new certificate) so the fingerprints match.
      </p>
    </section>
  );
}
const OUTCOME_TEXT: Record<string, string> = {
  create_user: "A new account would be created (just-in-time provisioning).",
  link_account: "The existing account with this email would be linked to this connection.",
  sign_in: "The linked account would be signed in.",
};

function show(v: unknown): string {
  if (v === null || v === undefined) return "(none)";
  if (typeof v === "string") return v;
  if (Array.isArray(v) && v.every((x) => typeof x === "string" || typeof x === "number")) return v.length ? v.join(", ") : "(none)";
  return JSON.stringify(v);
}

/** Diagnostic keys in reading order: what Gatehouse expected, then what it received, then the rest. */
function diagRank(key: string): number {
  return /^expected/i.test(key) ? 0 : /^(actual|received)/i.test(key) ? 1 : 2;
}

function diagLabel(key: string): string {
  if (key === "expected") return "Expected by Gatehouse";
  if (key === "actual") return "Received from the IdP";
  return key;
}

function Row({ k, v }: { k: string; v: React.ReactNode }) {
  return (
    <div className="grid grid-cols-1 gap-1 px-5 py-2.5 sm:grid-cols-[12rem_1fr]">
      <dt className="text-sm font-medium text-slate-600">{k}</dt>
      <dd className="min-w-0 break-all text-sm text-slate-900">{v}</dd>
    </div>
  );
}

/** The full story of one sign-in attempt: outcome, error with who fixes it, expected/actual, attributes, role. */
export function EventDetail({ event }: { event: SsoEventView }) {
  const d = event.detail;
  const code = event.errorCode && isErrorCode(event.errorCode) ? event.errorCode : null;
  const entry = code ? describeError(code) : null;
  const attributes = (d.attributes ?? null) as Record<string, string[]> | null;
  const matchedRule = d.matchedRule as Rule;
  const role = typeof d.role === "string" ? d.role : null;
  const diag = Object.entries(d)
    .filter(([k]) => !IDENTITY_KEYS.has(k))
    .sort(([a], [b]) => diagRank(a) - diagRank(b));
  const ok = event.outcome === "success";
  const expectedCerts = certList(d.expectedCertificates);
  const actualCerts = certList(d.actualCertificates);

  return (
    <div className="space-y-6">
      <div
        className={ok ? "rounded-lg border border-emerald-200 bg-emerald-50 p-5" : "rounded-lg border border-red-200 bg-red-50 p-5"}
        role="status"
      >
        <div className="flex flex-wrap items-center gap-2">
          <Badge tone={ok ? "green" : "red"}>{ok ? "Success" : "Failed"}</Badge>
          {event.testMode && <Badge tone="blue">Test mode: no session, nobody provisioned</Badge>}
          {event.flow && <Badge>{event.flow === "sp" ? "SP-initiated" : "IdP-initiated"}</Badge>}
          <span className="text-sm text-slate-600">{formatDateTime(event.createdAt)}</span>
        </div>
        {ok ? (
          <p className="mt-3 text-base font-semibold text-emerald-900">
            The IdP sent a valid, signed assertion{event.email ? ` for ${event.email}` : ""}.
          </p>
        ) : (
          <div className="mt-3 space-y-2">
            <p className="text-base font-semibold text-red-900">
              {entry?.message ?? "The sign-in failed."}{" "}
              <code className="ml-1 rounded bg-red-100 px-1.5 py-0.5 font-mono text-sm">{event.errorCode ?? "UNKNOWN"}</code>
            </p>
            {entry && (
              <>
                <p className="text-sm text-red-900">
                  <span className="font-semibold">Who must fix it: </span>
                  {FIXER_LABEL[entry.fixer]}
                </p>
                <p className="text-sm text-red-900">
                  <span className="font-semibold">How: </span>
                  {entry.hint}
                </p>
              </>
            )}
          </div>
        )}
      </div>

      {(role || d.nameId !== undefined || event.email) && (
        <section aria-labelledby="ev-identity" className="rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
          <h2 id="ev-identity" className="border-b border-slate-100 px-5 py-3 text-base font-semibold">
            Who signed in
          </h2>
          <dl className="divide-y divide-slate-100">
            {d.nameId !== undefined && <Row k="NameID" v={<code className="font-mono text-xs">{show(d.nameId)}</code>} />}
            {typeof d.nameIdFormat === "string" && (
              <Row k="NameID format" v={<code className="font-mono text-xs">{d.nameIdFormat}</code>} />
            )}
            {event.email && <Row k="Email" v={event.email} />}
            {(typeof d.firstName === "string" || typeof d.lastName === "string") && (
              <Row k="Name" v={[d.firstName, d.lastName].filter((x) => typeof x === "string").join(" ")} />
            )}
            {role && (
              <Row
                k={event.testMode ? "Role they would get" : "Role"}
                v={
                  <span>
                    <span className="font-semibold capitalize">{role}</span>
                    {matchedRule ? (
                      <span className="text-slate-600">
                        {" "}
                        — rule matched: <code className="font-mono text-xs">{matchedRule.attribute}</code> ={" "}
                        <code className="font-mono text-xs">{matchedRule.value}</code> → {matchedRule.role}
                      </span>
                    ) : (
                      <span className="text-slate-600"> — no role-mapping rule matched (default role or existing membership)</span>
                    )}
                  </span>
                }
              />
            )}
            {typeof d.outcome === "string" && OUTCOME_TEXT[d.outcome] && <Row k="Account" v={OUTCOME_TEXT[d.outcome]} />}
          </dl>
        </section>
      )}

      {attributes && (
        <section aria-labelledby="ev-attrs" className="rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
          <h2 id="ev-attrs" className="border-b border-slate-100 px-5 py-3 text-base font-semibold">
            Attributes in the assertion ({Object.keys(attributes).length})
          </h2>
          {Object.keys(attributes).length === 0 ? (
            <p className="px-5 py-4 text-sm text-slate-600">
              The IdP sent no attributes. Add the attribute statements listed on the setup page.
            </p>
          ) : (
            <table className="min-w-full divide-y divide-slate-100 text-sm">
              <thead className="bg-slate-50 text-left text-xs font-medium uppercase tracking-wide text-slate-500">
                <tr>
                  <th scope="col" className="px-5 py-2">
                    Name
                  </th>
                  <th scope="col" className="px-5 py-2">
                    Values
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {Object.entries(attributes).map(([name, values]) => (
                  <tr key={name}>
                    <td className="px-5 py-2 align-top font-mono text-xs text-slate-900 break-all">{name}</td>
                    <td className="px-5 py-2">
                      <ul className="flex flex-wrap gap-1">
                        {(values ?? []).map((v, i) => (
                          <li key={i} className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-800">
                            {v}
                          </li>
                        ))}
                      </ul>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}

      {expectedCerts && actualCerts && <CertificateComparison expected={expectedCerts} actual={actualCerts} />}

      {diag.length > 0 && (
        <section aria-labelledby="ev-diag" className="rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
          <h2 id="ev-diag" className="border-b border-slate-100 px-5 py-3 text-base font-semibold">
            {ok ? "Technical details" : "Expected and actual values"}
          </h2>
          <dl className="divide-y divide-slate-100">
            {diag.map(([k, v]) => (
              <Row
                key={k}
                k={diagLabel(k)}
                v={
                  <span className="flex items-start gap-2">
                    <code className="min-w-0 flex-1 break-all font-mono text-xs">{show(v)}</code>
                    {diagRank(k) < 2 && v !== null && v !== undefined && (
                      <CopyButton
                        value={show(v)}
                        label={`Copy the ${diagRank(k) === 0 ? "expected" : "actual"} value ${show(v)}`}
                        className="shrink-0"
                      />
                    )}
                  </span>
                }
              />
            ))}
          </dl>
        </section>
      )}
    </div>
  );
}
