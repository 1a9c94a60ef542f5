"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { useFieldArray, useForm } from "react-hook-form";
import { previewRoleAction, saveRoleMappingsAction } from "@/app/(console)/w/[workspace]/settings/sso/[connectionId]/actions";
import { Button } from "@/components/ui/button";
import { Field, Input, Select } from "@/components/ui/input";
import { toast } from "@/components/ui/toast";
import { roleMappingsReplaceSchema, type RoleMappingRuleInput } from "@/lib/schemas/role-mappings";
import { ConflictNotice } from "./conflict-notice";
import { useLatestVersion } from "./use-connection-save";

type Rule = RoleMappingRuleInput;
type Values = { rules: Rule[] };

type Preview = { role: string; matchedRule: { attribute: string; value: string; role: string } | null; defaultRole: string };

/**
 * Add / reorder / remove rules; preview against a sample group list (server-side resolveRole). Saved
 * against the connection version this page loaded: a stale save answers VERSION_CONFLICT.
 */
export function RoleMappingEditor({
  workspace,
  connectionId,
  version: loadedVersion,
  rules,
  groupsAttribute,
  defaultRole,
  idpName,
}: {
  workspace: string;
  connectionId: string;
  version: number;
  rules: Rule[];
  groupsAttribute: string;
  defaultRole: string;
  idpName: string;
}) {
  const router = useRouter();
  const [version, setVersion] = useLatestVersion(loadedVersion);
  const [conflict, setConflict] = useState(false);
  const [pending, startTransition] = useTransition();
  const [previewPending, startPreview] = useTransition();
  const [sample, setSample] = useState("");
  const [sampleAttr, setSampleAttr] = useState(groupsAttribute);
  const [preview, setPreview] = useState<Preview | null>(null);
  const { control, register, handleSubmit, formState, getValues, reset } = useForm<Values>({
    resolver: zodResolver(roleMappingsReplaceSchema),
    defaultValues: { rules },
  });
  const { fields, append, remove, move } = useFieldArray({ control, name: "rules" });

  const onSave = handleSubmit((v) => {
    startTransition(async () => {
      const r = await saveRoleMappingsAction(workspace, connectionId, { version, rules: v.rules });
      if (!r.ok) {
        if (r.code === "VERSION_CONFLICT") setConflict(true);
        toast.error(
          r.code === "VERSION_CONFLICT" ? "Someone else changed this connection" : r.message,
          r.code === "VERSION_CONFLICT" ? "Reload to see their change, then apply yours again." : r.hint,
        );
        return;
      }
      const saved = r.rules as Rule[];
      setVersion(r.version);
      reset({ rules: saved });
      toast.success(saved.length ? `Role mapping saved (${saved.length} rule${saved.length === 1 ? "" : "s"})` : "Role mapping cleared");
      router.refresh();
    });
  });

  function runPreview() {
    const values = sample
      .split(/[\n,]/)
      .map((s) => s.trim())
      .filter(Boolean);
    const current = getValues("rules").filter((r) => r.attribute.trim() && r.value.trim());
    startPreview(async () => {
      const r = await previewRoleAction(workspace, connectionId, {
        rules: current,
        attribute: sampleAttr.trim() || groupsAttribute,
        values,
      });
      if (!r.ok) {
        toast.error(r.message, r.hint);
        return;
      }
      setPreview({ role: r.role, matchedRule: r.matchedRule, defaultRole: r.defaultRole });
    });
  }

  return (
    <div className="space-y-6">
      <p className="text-sm text-slate-700">
        When the assertion&apos;s attribute carries the value, the person gets the role. Several matches: the highest role wins. No match:
        the default role ({defaultRole}). Owner is never granted by an IdP. {idpName} sends groups as{" "}
        <code className="font-mono text-xs">{groupsAttribute}</code>.
      </p>
      <form onSubmit={onSave} noValidate className="space-y-3">
        {fields.length === 0 ? (
          <p className="rounded-md border border-dashed border-slate-300 px-4 py-6 text-center text-sm text-slate-600">
            No rules yet: everyone gets the default role. Add a rule to map a group to a role.
          </p>
        ) : (
          <ol className="space-y-3">
            {fields.map((f, i) => {
              const err = formState.errors.rules?.[i];
              return (
                <li
                  key={f.id}
                  className="grid grid-cols-1 items-start gap-2 rounded-md border border-slate-200 p-3 md:grid-cols-[1fr_1fr_9rem_auto]"
                >
                  <div>
                    <label htmlFor={`rule-${i}-attr`} className="text-xs font-medium text-slate-600">
                      Rule {i + 1}: attribute
                    </label>
                    <Input
                      id={`rule-${i}-attr`}
                      {...register(`rules.${i}.attribute`)}
                      invalid={Boolean(err?.attribute)}
                      className="font-mono text-xs"
                      spellCheck={false}
                    />
                    {err?.attribute && <p className="text-xs text-red-600">{err.attribute.message}</p>}
                  </div>
                  <div>
                    <label htmlFor={`rule-${i}-value`} className="text-xs font-medium text-slate-600">
                      has value
                    </label>
                    <Input
                      id={`rule-${i}-value`}
                      {...register(`rules.${i}.value`)}
                      invalid={Boolean(err?.value)}
                      placeholder="e.g. Engineering-Admins"
                      spellCheck={false}
                    />
                    {err?.value && <p className="text-xs text-red-600">{err.value.message}</p>}
                  </div>
                  <div>
                    <label htmlFor={`rule-${i}-role`} className="text-xs font-medium text-slate-600">
                      gives role
                    </label>
                    <Select id={`rule-${i}-role`} {...register(`rules.${i}.role`)}>
                      <option value="admin">Admin</option>
                      <option value="editor">Editor</option>
                      <option value="viewer">Viewer</option>
                    </Select>
                  </div>
                  <div className="flex gap-1 md:pt-5">
                    <Button
                      type="button"
                      variant="ghost"
                      size="sm"
                      disabled={i === 0}
                      onClick={() => move(i, i - 1)}
                      aria-label={`Move rule ${i + 1} up`}
                    >
                      ↑
                    </Button>
                    <Button
                      type="button"
                      variant="ghost"
                      size="sm"
                      disabled={i === fields.length - 1}
                      onClick={() => move(i, i + 1)}
                      aria-label={`Move rule ${i + 1} down`}
                    >
                      ↓
                    </Button>
                    <Button type="button" variant="ghost" size="sm" onClick={() => remove(i)} aria-label={`Remove rule ${i + 1}`}>
                      Remove
                    </Button>
                  </div>
                </li>
              );
            })}
          </ol>
        )}
        {conflict && <ConflictNotice />}
        <div className="flex flex-wrap gap-3">
          <Button type="button" variant="secondary" onClick={() => append({ attribute: groupsAttribute, value: "", role: "editor" })}>
            Add rule
          </Button>
          <Button type="submit" pending={pending}>
            {pending ? "Saving…" : "Save role mapping"}
          </Button>
          {formState.isDirty && !pending && <span className="self-center text-xs text-slate-500">Unsaved changes</span>}
        </div>
      </form>
      <div className="space-y-3 rounded-md bg-slate-50 p-4">
        <h3 className="text-sm font-semibold text-slate-900">Preview</h3>
        <div className="grid gap-3 md:grid-cols-[1fr_2fr_auto] md:items-end">
          <Field id="preview-attr" label="Attribute">
            <Input
              id="preview-attr"
              value={sampleAttr}
              onChange={(e) => setSampleAttr(e.target.value)}
              className="font-mono text-xs"
              spellCheck={false}
            />
          </Field>
          <Field id="preview-values" label="Sample values (comma-separated)">
            <Input
              id="preview-values"
              value={sample}
              onChange={(e) => setSample(e.target.value)}
              placeholder="Everyone, Engineering-Admins"
            />
          </Field>
          <Button type="button" variant="secondary" pending={previewPending} onClick={runPreview}>
            Preview role
          </Button>
        </div>
        <p aria-live="polite" className="min-h-[1.25rem] text-sm text-slate-800">
          {preview &&
            (preview.matchedRule ? (
              <>
                → <span className="font-semibold capitalize">{preview.role}</span>, by the rule{" "}
                <code className="font-mono text-xs">{preview.matchedRule.attribute}</code> ={" "}
                <code className="font-mono text-xs">{preview.matchedRule.value}</code> → {preview.matchedRule.role}
              </>
            ) : (
              <>
                → <span className="font-semibold capitalize">{preview.role}</span> (the default role: no rule matched)
              </>
            ))}
        </p>
      </div>
    </div>
  );
}
