"use client";

import { useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button, Spinner } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { Field, Input, Textarea } from "@/components/ui/input";
import { getIdp } from "@/lib/idp-catalogue";
import { metadataUrlSchema, type MetadataInput } from "@/lib/schemas/connections";
import { ConflictNotice } from "./conflict-notice";
import { ErrorBox } from "./error-box";
import { formatDate } from "./format";
import { MenuPath } from "./menu-path";
import type { MetadataPreview } from "./types";
import { useConnectionSave } from "./use-connection-save";
import { useDebounced } from "./use-debounced";
import { useSsoWizardActions } from "./wizard-actions";

type Mode = "url" | "xml" | "manual";
const MODES: readonly (readonly [Mode, string])[] = [
  ["url", "Metadata URL"],
  ["xml", "Metadata XML"],
  ["manual", "Enter by hand"],
];

function PreviewCard({ p }: { p: MetadataPreview }) {
  return (
    <div role="status" className="space-y-2 rounded-md border border-emerald-200 bg-emerald-50 px-4 py-3 text-sm text-emerald-950">
      <p className="font-semibold">✓ Metadata read. Gatehouse will trust:</p>
      <dl className="grid grid-cols-1 gap-x-4 gap-y-1 sm:grid-cols-[max-content_1fr]">
        <dt className="font-medium">IdP entity ID</dt>
        <dd className="break-all font-mono text-xs">{p.entityId}</dd>
        <dt className="font-medium">SSO URL</dt>
        <dd className="break-all font-mono text-xs">
          {p.ssoUrlRedirect ?? p.ssoUrlPost}
          <span className="ml-1 font-sans text-emerald-800">({p.ssoUrlRedirect ? "HTTP-Redirect" : "HTTP-POST"})</span>
        </dd>
        {p.certificates.map((c, i) => {
          const days = c.daysLeft;
          return (
            <div key={c.fingerprintSha256} className="contents">
              <dt className="font-medium">Certificate {p.certificates.length > 1 ? i + 1 : ""}</dt>
              <dd className="text-xs">
                <span className="break-all font-mono">{c.subject}</span>
                <span className={cn("ml-2", days <= 30 && "font-semibold text-amber-800")}>
                  expires {formatDate(c.notAfter)}
                  {days < 0 ? " (expired!)" : days <= 30 ? ` (in ${days} days)` : ""}
                </span>
              </dd>
            </div>
          );
        })}
      </dl>
    </div>
  );
}

const tabClass = (on: boolean) =>
  cn(
    "rounded-md px-3 py-1.5 text-sm font-medium",
    on ? "bg-white text-slate-900 shadow-sm ring-1 ring-slate-200" : "text-slate-600 hover:text-slate-900",
  );

/** IdP metadata by URL, XML or by hand, parsed at once and saved with the loaded version. */
export function MetadataForm({
  workspace,
  connectionId,
  version,
  idpType,
  nextHref,
  submitLabel = "Save IdP metadata",
}: {
  workspace: string;
  connectionId: string;
  version: number;
  idpType: string;
  nextHref?: string;
  submitLabel?: string;
}) {
  const router = useRouter();
  const actions = useSsoWizardActions();
  const idp = getIdp(idpType);
  const [mode, setMode] = useState<Mode>(idp.metadata.offersUrl ? "url" : "xml");
  const [url, setUrl] = useState("");
  const [xml, setXml] = useState("");
  const [manual, setManual] = useState({ entityId: "", ssoUrl: "", certificatePem: "" });
  const { conflict, pending, save } = useConnectionSave(workspace, connectionId, version);

  // The same schema the server action parses: inline feedback once typing pauses (or on leaving the field).
  const urlCheck = url.trim() ? metadataUrlSchema.safeParse(url.trim()) : null;
  const debouncedUrl = useDebounced(url, 700);
  const [urlBlurred, setUrlBlurred] = useState(false);
  const urlError =
    urlCheck && !urlCheck.success && (urlBlurred || debouncedUrl === url)
      ? (urlCheck.error.issues[0]?.message ?? "Enter a URL")
      : undefined;
  const input: MetadataInput | null =
    mode === "url"
      ? urlCheck?.success
        ? { metadataUrl: urlCheck.data }
        : null
      : mode === "xml"
        ? xml.trim()
          ? { metadataXml: xml.trim() }
          : null
        : manual.entityId.trim() && /^https?:\/\/\S+$/i.test(manual.ssoUrl.trim()) && manual.certificatePem.trim()
          ? { manual: { entityId: manual.entityId.trim(), ssoUrl: manual.ssoUrl.trim(), certificatePem: manual.certificatePem.trim() } }
          : null;
  // Debounce the serialised input (a string: stable identity, no render loop).
  const inputKey = input ? JSON.stringify(input) : "";
  const debouncedKey = useDebounced(inputKey, 500);
  const preview = useQuery({
    queryKey: ["metadata-preview", workspace, debouncedKey],
    queryFn: () => actions.previewMetadata(workspace, JSON.parse(debouncedKey) as MetadataInput),
    enabled: debouncedKey !== "",
    staleTime: 60_000,
    retry: false,
    refetchOnWindowFocus: false,
  });
  const settled = inputKey !== "" && debouncedKey === inputKey;
  const result = settled ? preview.data : undefined;
  const checking = inputKey !== "" && (!settled || preview.isFetching);

  async function onFile(file: File | undefined) {
    if (file) setXml(await file.text());
  }

  function onSubmit(e: React.FormEvent) {
    e.preventDefault();
    if (!input) return;
    save(input, {
      success: "IdP metadata saved",
      onSaved: () => {
        if (nextHref) router.push(nextHref);
      },
    });
  }

  function onTabKey(e: React.KeyboardEvent<HTMLDivElement>) {
    const i = MODES.findIndex(([m]) => m === mode);
    const next =
      e.key === "ArrowRight"
        ? (i + 1) % MODES.length
        : e.key === "ArrowLeft"
          ? (i + MODES.length - 1) % MODES.length
          : e.key === "Home"
            ? 0
            : e.key === "End"
              ? MODES.length - 1
              : null;
    if (next === null) return;
    e.preventDefault();
    const m = MODES[next]![0];
    setMode(m);
    document.getElementById(`md-tab-${m}`)?.focus();
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-5">
      <div className="space-y-1 text-sm text-slate-700">
        <p>{idp.metadata.hint}</p>
        <MenuPath path={idp.metadata.where} />
      </div>
      {/* ARIA tabs: one tab stop; arrow keys (and Home/End) move between the tabs. */}
      <div
        role="tablist"
        aria-label="How to give the IdP details"
        className="inline-flex gap-1 rounded-lg bg-slate-100 p-1"
        onKeyDown={onTabKey}
      >
        {MODES.map(([m, label]) => (
          <button
            key={m}
            type="button"
            role="tab"
            aria-selected={mode === m}
            aria-controls={mode === m ? `md-panel-${m}` : undefined}
            tabIndex={mode === m ? 0 : -1}
            id={`md-tab-${m}`}
            className={tabClass(mode === m)}
            onClick={() => setMode(m)}
          >
            {label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`md-panel-${mode}`} aria-labelledby={`md-tab-${mode}`} className="space-y-4">
        {mode === "url" && (
          <Field
            id="md-url"
            label={idp.metadata.urlLabel ? `${idp.displayName} “${idp.metadata.urlLabel}”` : "IdP metadata URL"}
            hint="Gatehouse re-reads it regularly, so IdP certificate rotations need no action."
            error={urlError}
          >
            <Input
              id="md-url"
              type="url"
              inputMode="url"
              placeholder="https://…"
              value={url}
              invalid={!!urlError}
              onChange={(e) => {
                setUrl(e.target.value);
                setUrlBlurred(false);
              }}
              onBlur={() => setUrlBlurred(true)}
              spellCheck={false}
            />
          </Field>
        )}
        {mode === "xml" && (
          <>
            <Field
              id="md-xml"
              label="IdP metadata XML"
              hint="Paste the whole file (it starts with <EntityDescriptor or <md:EntityDescriptor)."
            >
              <Textarea
                id="md-xml"
                rows={8}
                value={xml}
                onChange={(e) => setXml(e.target.value)}
                aria-describedby="md-xml-hint"
                spellCheck={false}
              />
            </Field>
            <div>
              <label htmlFor="md-file" className="text-sm font-medium text-slate-800">
                …or choose the downloaded file
              </label>
              <input
                id="md-file"
                type="file"
                accept=".xml,application/xml,text/xml"
                onChange={(e) => onFile(e.target.files?.[0])}
                className="mt-1 block text-sm text-slate-700"
              />
            </div>
          </>
        )}
        {mode === "manual" && (
          <>
            <Field id="md-entity" label="IdP entity ID (Issuer)">
              <Input
                id="md-entity"
                value={manual.entityId}
                onChange={(e) => setManual({ ...manual, entityId: e.target.value })}
                spellCheck={false}
              />
            </Field>
            <Field id="md-sso" label="IdP SSO URL (where sign-in requests go)">
              <Input
                id="md-sso"
                type="url"
                value={manual.ssoUrl}
                onChange={(e) => setManual({ ...manual, ssoUrl: e.target.value })}
                spellCheck={false}
              />
            </Field>
            <Field id="md-pem" label="IdP signing certificate (PEM)" hint="-----BEGIN CERTIFICATE----- … -----END CERTIFICATE-----">
              <Textarea
                id="md-pem"
                rows={6}
                value={manual.certificatePem}
                onChange={(e) => setManual({ ...manual, certificatePem: e.target.value })}
                aria-describedby="md-pem-hint"
                spellCheck={false}
              />
            </Field>
          </>
        )}
      </div>
      <div aria-live="polite" className="min-h-[1.5rem]">
        {checking ? (
          <p className="flex items-center gap-2 text-sm text-slate-600">
            <Spinner /> {mode === "url" ? "Fetching and checking the metadata…" : "Checking…"}
          </p>
        ) : result?.ok ? (
          <PreviewCard p={result.preview} />
        ) : result && !result.ok ? (
          <div className="space-y-2">
            <ErrorBox error={result} title="This metadata cannot be used yet:" />
            {mode === "url" && (
              <Button type="button" variant="secondary" onClick={() => void preview.refetch()}>
                Refresh
              </Button>
            )}
          </div>
        ) : null}
      </div>
      {conflict && <ConflictNotice />}
      <div className="flex items-center gap-3 border-t border-slate-100 pt-4">
        <Button type="submit" pending={pending} disabled={!input || !result?.ok || checking}>
          {pending ? "Saving…" : submitLabel}
        </Button>
        {!result?.ok && <span className="text-xs text-slate-500">Saving is possible once the metadata reads correctly.</span>}
      </div>
    </form>
  );
}
