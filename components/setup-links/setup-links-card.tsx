"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useRef, useState, useTransition } from "react";
import { useForm } from "react-hook-form";
import { createSetupLinkAction, revokeSetupLinkAction } from "@/app/(console)/w/[workspace]/settings/sso/setup-link-actions";
import { formatDateTime } from "@/components/sso/format";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { CopyField } from "@/components/ui/copy-field";
import { Field, Input, Select } from "@/components/ui/input";
import { toast } from "@/components/ui/toast";
import {
  SETUP_LINK_DEFAULT_DAYS,
  SETUP_LINK_MAX_DAYS,
  setupLinkCreateSchema,
  type SetupLinkCreateData,
  type SetupLinkCreateInput,
} from "@/lib/schemas/setup-links";
import { PURPOSE_LABELS, type SetupLinkView } from "./types";

const STATUS_TONE = { active: "blue", completed: "green", expired: "gray", revoked: "red" } as const;
const STATUS_LABEL = { active: "Active", completed: "Completed", expired: "Expired", revoked: "Revoked" } as const;

function RevokeButton({ workspace, link }: { workspace: string; link: SetupLinkView }) {
  const router = useRouter();
  const dialogRef = useRef<HTMLDialogElement>(null);
  const [pending, startTransition] = useTransition();
  const titleId = `revoke-link-${link.id}`;
  function revoke() {
    startTransition(async () => {
      const r = await revokeSetupLinkAction(workspace, link.id);
      if (!r.ok) {
        toast.error(r.message, r.hint);
        return;
      }
      dialogRef.current?.close();
      toast.success("Setup link revoked", "It stopped working at once, also in browsers that already opened it.");
      router.refresh();
    });
  }
  return (
    <>
      <Button
        type="button"
        variant="secondary"
        size="sm"
        onClick={() => dialogRef.current?.showModal()}
        aria-label={`Revoke setup link ${link.name}`}
      >
        Revoke
      </Button>
      <dialog ref={dialogRef} aria-labelledby={titleId} className="w-full max-w-md rounded-lg p-0 shadow-xl backdrop:bg-slate-900/40">
        <div className="space-y-4 p-6">
          <h2 id={titleId} className="text-lg font-semibold text-slate-900">
            Revoke “{link.name}”?
          </h2>
          <p className="text-sm text-slate-600">
            The link stops working at once, also for anyone who already opened it. What was set up through it stays.
          </p>
          <div className="flex justify-end gap-2">
            <Button type="button" variant="secondary" onClick={() => dialogRef.current?.close()} disabled={pending} autoFocus>
              Cancel
            </Button>
            <Button type="button" variant="danger" onClick={revoke} pending={pending}>
              {pending ? "Revoking…" : "Revoke link"}
            </Button>
          </div>
        </div>
      </dialog>
    </>
  );
}

/**
 * Owners: send a setup link to the customer's IT admin. Create (purpose + expiry), copy the URL once,
 * see each link's status, revoke.
 */
export function SetupLinksCard({ workspace, links }: { workspace: string; links: SetupLinkView[] }) {
  const router = useRouter();
  const [created, setCreated] = useState<{ url: string; name: string; expiresAt: string } | null>(null);
  const [pending, startTransition] = useTransition();
  const form = useForm<SetupLinkCreateInput, unknown, SetupLinkCreateData>({
    resolver: zodResolver(setupLinkCreateSchema),
    defaultValues: { name: "", purpose: "sso", expiresInDays: SETUP_LINK_DEFAULT_DAYS },
    mode: "onTouched",
  });
  const { register, handleSubmit, formState, reset } = form;

  const onSubmit = handleSubmit((values) => {
    startTransition(async () => {
      const r = await createSetupLinkAction(workspace, values);
      if (!r.ok) {
        for (const [k, msg] of Object.entries(r.fields ?? {}))
          if (msg && (k === "name" || k === "purpose" || k === "expiresInDays")) form.setError(k, { message: msg });
        toast.error(r.message, r.hint);
        return;
      }
      setCreated({ url: r.url, name: r.name, expiresAt: r.expiresAt });
      reset({ name: "", purpose: values.purpose, expiresInDays: SETUP_LINK_DEFAULT_DAYS });
      router.refresh();
    });
  });

  return (
    <Card className="mt-6">
      <CardHeader
        title="Setup links for your IT admin"
        description="Someone without a Gatehouse account (your customer's IT admin) sets up SSO, domains or directory sync of this workspace, and nothing else. Connections they add stay inactive until an owner approves them."
      />
      <div className="space-y-6 px-5 py-5">
        {created && (
          <div role="status" className="space-y-3 rounded-md border border-emerald-200 bg-emerald-50 p-4">
            <p className="text-sm font-medium text-emerald-900">
              Setup link “{created.name}” created. Copy it now and send it to your IT admin: it is not shown again.
            </p>
            <CopyField
              id="setup-link-url"
              label="Setup link"
              value={created.url}
              caption={`Expires ${formatDateTime(created.expiresAt)}.`}
            />
          </div>
        )}
        <form onSubmit={onSubmit} noValidate className="grid gap-4 sm:grid-cols-[1fr_14rem_9rem_auto] sm:items-start">
          <Field
            id="setup-link-name"
            label="Name"
            hint="Shown in the audit log, e.g. the IT admin's name."
            error={formState.errors.name?.message}
          >
            <Input id="setup-link-name" {...register("name")} invalid={Boolean(formState.errors.name)} placeholder="Jo at Acme IT" />
          </Field>
          <Field id="setup-link-purpose" label="Purpose" error={formState.errors.purpose?.message}>
            <Select id="setup-link-purpose" {...register("purpose")}>
              <option value="sso">{PURPOSE_LABELS.sso}</option>
              <option value="domains">{PURPOSE_LABELS.domains}</option>
              <option value="directory">{PURPOSE_LABELS.directory}</option>
            </Select>
          </Field>
          <Field
            id="setup-link-days"
            label="Expires in (days)"
            hint={`1 to ${SETUP_LINK_MAX_DAYS}`}
            error={formState.errors.expiresInDays?.message}
          >
            <Input
              id="setup-link-days"
              type="number"
              min={1}
              max={SETUP_LINK_MAX_DAYS}
              {...register("expiresInDays")}
              invalid={Boolean(formState.errors.expiresInDays)}
            />
          </Field>
          <div className="sm:pt-7">
            <Button type="submit" pending={pending}>
              {pending ? "Creating…" : "Create setup link"}
            </Button>
          </div>
        </form>
        {links.length === 0 ? (
          <p className="text-sm text-slate-600">
            No setup links yet. Create one above and send it to the person who manages your identity provider.
          </p>
        ) : (
          <table className="min-w-full divide-y divide-slate-200 text-sm">
            <caption className="sr-only">Setup links</caption>
            <thead>
              <tr className="text-left text-xs font-medium uppercase tracking-wide text-slate-500">
                <th scope="col" className="py-2 pr-4">
                  Name
                </th>
                <th scope="col" className="py-2 pr-4">
                  Purpose
                </th>
                <th scope="col" className="py-2 pr-4">
                  Status
                </th>
                <th scope="col" className="py-2 pr-4">
                  Expires
                </th>
                <th scope="col" className="py-2 text-right">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {links.map((l) => (
                <tr key={l.id}>
                  <td className="py-2 pr-4 font-medium text-slate-900">{l.name}</td>
                  <td className="py-2 pr-4 text-slate-700">{PURPOSE_LABELS[l.purpose]}</td>
                  <td className="py-2 pr-4">
                    <Badge tone={STATUS_TONE[l.status]}>{STATUS_LABEL[l.status]}</Badge>
                    {l.completedAt && <span className="ml-2 text-xs text-slate-500">{formatDateTime(l.completedAt)}</span>}
                  </td>
                  <td className="py-2 pr-4 text-slate-600">{formatDateTime(l.expiresAt)}</td>
                  <td className="py-2 text-right">
                    {(l.status === "active" || l.status === "completed") && <RevokeButton workspace={workspace} link={l} />}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </Card>
  );
}
