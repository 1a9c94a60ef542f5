import { ScrollArea } from "@/components/ui/scroll-area";
import { SP_VALUE_NAMES, formatSpValue, getIdp, type SetupStep, type SpValueKey } from "@/lib/idp-catalogue";
import { CopyButton } from "./copy-button";
import { MenuPath } from "./menu-path";
import { ValueField } from "./value-field";
import type { SpValuesProps } from "./types";

function StepBlock({ n, step, children }: { n: number; step: SetupStep; children?: React.ReactNode }) {
  return (
    <li className="space-y-3">
      <div className="flex items-start gap-3">
        <span
          className="mt-0.5 flex h-6 w-6 shrink-0 items-center justify-center rounded-full bg-brand-600 text-xs font-semibold text-white"
          aria-hidden="true"
        >
          {n}
        </span>
        <div className="min-w-0 flex-1 space-y-2">
          <h3 className="text-sm font-semibold text-slate-900">{step.title}</h3>
          <MenuPath path={step.menuPath} />
          {step.instructions.length > 0 && (
            <ul className="list-disc space-y-1 pl-5 text-sm text-slate-700">
              {step.instructions.map((s, i) => (
                <li key={i}>{s}</li>
              ))}
            </ul>
          )}
          {children}
        </div>
      </div>
    </li>
  );
}

function CertificateRow({ label, note, url, caption }: { label: string; note?: string; url: string | null; caption: string }) {
  return (
    <div className="space-y-1">
      <p className="block text-sm font-semibold text-slate-800">{label}</p>
      {url ? (
        <a
          href={url}
          download
          className="inline-flex items-center gap-2 rounded-md bg-white px-3 py-1.5 text-xs font-semibold text-slate-700 ring-1 ring-inset ring-slate-300 hover:bg-slate-50"
        >
          Download certificate (.pem)
        </a>
      ) : (
        <p className="text-xs text-slate-500">No active SP key yet.</p>
      )}
      <p className="text-xs text-slate-500">
        {caption}
        {note ? ` ${note}` : ""}
      </p>
    </div>
  );
}

/**
 * "Register these in your IdP": the SP values under the IdP's own field names, with the menu path
 * to each screen and the attribute statements to add.
 */
export function SpValuesPanel({ idpType, values, compact = false }: { idpType: string; values: SpValuesProps; compact?: boolean }) {
  const idp = getIdp(idpType);
  const used = new Set(idp.spFields.map((f) => f.key));
  // The SP single logout URL has its own step in the full guide; the compact list shows it with the others.
  const others = (["metadataUrl", "entityId", "acsUrl", "loginUrl", ...(compact ? ["sloUrl"] : []), "certificate"] as SpValueKey[]).filter(
    (k) => !used.has(k),
  );
  const value = (k: Exclude<SpValueKey, "certificate">) => values[k];

  const fields = (
    <div className="space-y-4">
      {idp.spFields.map((f, i) =>
        f.key === "certificate" ? (
          <CertificateRow
            key={i}
            label={f.label}
            note={f.note}
            url={values.certificateUrl}
            caption={`Gatehouse: ${SP_VALUE_NAMES.certificate}.`}
          />
        ) : (
          <ValueField
            key={i}
            id={`sp-${idp.type}-${i}`}
            label={f.label}
            value={formatSpValue(value(f.key), f)}
            caption={`Gatehouse: ${SP_VALUE_NAMES[f.key]}${f.transform === "regex" ? " (as a regular expression)" : ""}.${f.note ? ` ${f.note}` : ""}`}
          />
        ),
      )}
    </div>
  );
  const otherValues = others.length > 0 && (
    <details className="rounded-md border border-slate-200 px-4 py-3">
      <summary className="cursor-pointer text-sm font-medium text-slate-700">
        Other values {idp.type === "other" ? "" : `(${idp.displayName} does not ask for these)`}
      </summary>
      <div className="mt-3 space-y-4">
        {others.map((k) =>
          k === "certificate" ? (
            <CertificateRow
              key={k}
              label={SP_VALUE_NAMES.certificate}
              url={values.certificateUrl}
              caption="Signs our AuthnRequests; only IdPs that verify signed requests need it."
            />
          ) : (
            <ValueField key={k} id={`sp-other-${k}`} label={SP_VALUE_NAMES[k]} value={value(k)} />
          ),
        )}
      </div>
    </details>
  );

  if (compact) {
    return (
      <div className="space-y-4">
        <p className="text-sm text-slate-600">Labelled as {idp.displayName} names them.</p>
        {fields}
        {otherValues}
      </div>
    );
  }

  return (
    <ol className="space-y-8">
      <StepBlock n={1} step={idp.createApp} />
      <StepBlock n={2} step={idp.spFieldsScreen}>
        {fields}
        {otherValues}
      </StepBlock>
      <StepBlock n={3} step={idp.attributesScreen}>
        <p className="text-sm text-slate-700">
          <span className="font-medium">Name ID:</span> {idp.nameId}
        </p>
        <ScrollArea label={`Attribute statements to add in ${idp.displayName}`} className="rounded-md ring-1 ring-slate-200">
          <table className="min-w-full divide-y divide-slate-200 text-sm">
            <caption className="sr-only">Attribute statements to add in {idp.displayName}</caption>
            <thead className="bg-slate-50 text-left text-xs font-medium uppercase tracking-wide text-slate-500">
              <tr>
                <th scope="col" className="px-3 py-2">
                  Attribute name
                </th>
                <th scope="col" className="px-3 py-2">
                  Value in {idp.displayName}
                </th>
                <th scope="col" className="px-3 py-2">
                  Used for
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {idp.attributes.map((a) => (
                <tr key={a.purpose}>
                  <td className="px-3 py-2">
                    <div className="flex items-center gap-2">
                      <code className="break-all font-mono text-xs text-slate-900">{a.name}</code>
                      <CopyButton value={a.name} label={`Copy attribute name ${a.name}`} />
                    </div>
                  </td>
                  <td className="px-3 py-2 text-slate-700">{a.source}</td>
                  <td className="px-3 py-2 text-slate-600">
                    {a.purpose === "groups"
                      ? "Role mapping (optional)"
                      : a.purpose === "email"
                        ? "Email (required)"
                        : a.purpose === "firstName"
                          ? "First name"
                          : "Last name"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollArea>
      </StepBlock>
      <StepBlock n={4} step={idp.assignUsers} />
      <StepBlock n={5} step={{ title: "Single logout (optional)", menuPath: idp.slo.menuPath, instructions: idp.slo.instructions }}>
        {idp.slo.supported && (
          <ValueField
            id={`sp-${idp.type}-slo`}
            label={idp.slo.label ?? SP_VALUE_NAMES.sloUrl}
            value={values.sloUrl}
            caption={`Gatehouse: ${SP_VALUE_NAMES.sloUrl} (HTTP-Redirect and HTTP-POST).`}
          />
        )}
      </StepBlock>
    </ol>
  );
}
