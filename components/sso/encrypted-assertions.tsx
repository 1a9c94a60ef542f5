"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { rotateSpEncryptionKeyAction } from "@/app/(console)/w/[workspace]/settings/sso/[connectionId]/encryption-actions";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { toast } from "@/components/ui/toast";
import type { SpKeyAction } from "@/lib/schemas/connections";
import { ConflictNotice } from "./conflict-notice";
import { CopyButton } from "./copy-button";
import { formatDate } from "./format";
import { Switch } from "./switch";
import { useConnectionSave } from "./use-connection-save";

export type EncryptionKeyView = {
  id: string;
  state: "next" | "active" | "retired";
  certificatePem: string;
  notAfter: string;
  createdAt: string;
  retiredAt: string | null;
};

const STEPS: { step: SpKeyAction; title: string; means: string; button: string }[] = [
  {
    step: "stage",
    title: "1. Stage a new key",
    means:
      "Publishes a second encryption certificate in the SP metadata. Both keys decrypt. Give the new certificate to the IdP (or let it re-read our metadata).",
    button: "Stage new key",
  },
  {
    step: "activate",
    title: "2. Activate it",
    means:
      "Only the new certificate is published from now on. The old key still decrypts, for assertions the IdP encrypted before it switched.",
    button: "Activate new key",
  },
  {
    step: "retire",
    title: "3. Retire the old key",
    means: "The old key stops decrypting: assertions still encrypted to it are refused. Do this once the IdP uses the new certificate.",
    button: "Retire old key",
  },
];

/**
 * "Encrypted assertions": the owner-only switch, the encryption certificate to give the IdP (copy,
 * download), and its stage → activate → retire rotation. Admins see the state, read-only.
 */
export function EncryptedAssertions({
  workspace,
  connectionId,
  version,
  required,
  canEdit,
  keys,
  certificateUrl,
  idpGuidance,
}: {
  workspace: string;
  connectionId: string;
  version: number;
  required: boolean;
  canEdit: boolean;
  keys: EncryptionKeyView[];
  certificateUrl: string;
  idpGuidance: string;
}) {
  const router = useRouter();
  const { conflict, pending, save } = useConnectionSave(workspace, connectionId, version);
  const [running, setRunning] = useState<SpKeyAction | null>(null);
  const [, startTransition] = useTransition();
  const active = keys.find((k) => k.state === "active");
  const next = keys.find((k) => k.state === "next");
  const inGrace = keys.some((k) => k.state === "retired" && !k.retiredAt);
  const enabled: Record<SpKeyAction, boolean> = { stage: Boolean(active) && !next, activate: Boolean(next), retire: inGrace };

  function rotate(step: SpKeyAction) {
    setRunning(step);
    startTransition(async () => {
      const r = await rotateSpEncryptionKeyAction(workspace, connectionId, step);
      setRunning(null);
      if (!r.ok) {
        toast.error(r.message, r.hint);
        return;
      }
      toast.success(
        step === "stage"
          ? "New encryption key staged and published"
          : step === "activate"
            ? "New encryption key activated"
            : "Old encryption key retired",
      );
      router.refresh();
    });
  }

  return (
    <div className="space-y-5 text-sm">
      {canEdit ? (
        <Switch
          id="conn-require-encrypted"
          label={pending ? "Saving…" : "Require encrypted assertions"}
          description={
            required
              ? "Plaintext assertions are refused (SAML_ENCRYPTION_REQUIRED). The IdP must encrypt to the certificate below."
              : "Off: plaintext and encrypted assertions are both accepted. Turning it on creates an encryption key and publishes it in the SP metadata."
          }
          checked={required}
          disabled={pending}
          onChange={(v) =>
            save(
              { requireEncryptedAssertions: v },
              { success: v ? "Encrypted assertions required: give the IdP the certificate below" : "Plaintext assertions accepted again" },
            )
          }
        />
      ) : (
        <p className="text-slate-700">
          {required ? "Encrypted assertions are required." : "Encrypted assertions are not required."}{" "}
          <span className="text-slate-500">Only owners change this: it is part of what the connection trusts.</span>
        </p>
      )}
      {conflict && <ConflictNotice />}
      <p className="rounded-md bg-slate-50 px-3 py-2 text-xs text-slate-600">{idpGuidance}</p>

      {active ? (
        <div className="space-y-3">
          {[active, next].filter(Boolean).map((k) => (
            <div key={k!.id} className="rounded-md ring-1 ring-slate-200">
              <div className="flex flex-wrap items-center gap-3 border-b border-slate-100 px-4 py-2.5">
                <Badge tone={k!.state === "active" ? "green" : "blue"}>
                  {k!.state === "active" ? "Encryption certificate" : "Staged certificate: published, decrypts"}
                </Badge>
                <span className="text-slate-600">expires {formatDate(k!.notAfter)}</span>
                <span className="ml-auto flex items-center gap-2">
                  <CopyButton
                    value={k!.certificatePem}
                    label={k!.state === "active" ? "Copy encryption certificate" : "Copy staged encryption certificate"}
                  />
                  <a
                    className="text-xs font-medium text-brand-700 underline"
                    href={k!.state === "next" ? `${certificateUrl}?key=next` : certificateUrl}
                    download
                  >
                    Download {k!.state === "next" ? "staged " : ""}certificate
                  </a>
                </span>
              </div>
              <pre
                aria-label={k!.state === "active" ? "Encryption certificate (PEM)" : "Staged encryption certificate (PEM)"}
                className="max-h-28 overflow-auto px-4 py-2 font-mono text-[11px] leading-4 text-slate-700"
                tabIndex={0}
              >
                {k!.certificatePem.trim()}
              </pre>
            </div>
          ))}
          {inGrace && <p className="text-xs text-slate-600">The previous encryption key still decrypts until you retire it.</p>}
          {canEdit && (
            <ol className="grid gap-3 lg:grid-cols-3" aria-label="Encryption key rotation">
              {STEPS.map((s) => (
                <li key={s.step} className="flex flex-col justify-between gap-3 rounded-md border border-slate-200 p-4">
                  <div>
                    <h3 className="text-sm font-semibold text-slate-900">{s.title}</h3>
                    <p className="mt-1 text-xs text-slate-600">{s.means}</p>
                  </div>
                  <Button
                    type="button"
                    variant="secondary"
                    size="sm"
                    disabled={!enabled[s.step] || running !== null}
                    pending={running === s.step}
                    onClick={() => rotate(s.step)}
                    className="self-start"
                  >
                    {s.button}
                  </Button>
                </li>
              ))}
            </ol>
          )}
        </div>
      ) : (
        <p className="text-slate-600">
          No encryption key yet. {canEdit ? "Turn on “Require encrypted assertions” to create one." : "An owner can turn encryption on."}
        </p>
      )}
    </div>
  );
}
