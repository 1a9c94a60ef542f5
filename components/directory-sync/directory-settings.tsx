"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { deleteDirectoryAction, updateDirectoryAction } from "@/app/(console)/w/[workspace]/settings/directory-sync/actions";
import { Switch } from "@/components/sso/switch";
import { Button } from "@/components/ui/button";
import { Field, Select } from "@/components/ui/input";
import type { DirectoryUpdateInput } from "@/lib/schemas/directories";

type Settings = { active: boolean; defaultRole: "admin" | "editor" | "viewer"; deprovisionOutsideMappedGroups: boolean };

/** On/off, default role and access by group; each change is saved at once. */
export function DirectorySettings({ workspace, directoryId, initial }: { workspace: string; directoryId: string; initial: Settings }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  function save(patch: DirectoryUpdateInput) {
    setError(null);
    startTransition(async () => {
      const r = await updateDirectoryAction(workspace, directoryId, patch);
      if (!r.ok) setError(`${r.message} ${r.hint}`);
      router.refresh();
    });
  }

  function remove() {
    if (!window.confirm("Delete this directory? Its token stops working; the members it provisioned stay as they are.")) return;
    startTransition(async () => {
      const r = await deleteDirectoryAction(workspace, directoryId);
      if (!r.ok) return setError(`${r.message} ${r.hint}`);
      router.push(`/w/${workspace}/settings/directory-sync`);
    });
  }

  return (
    <div className="space-y-5 px-5 py-4">
      <Switch
        id="directory-active"
        checked={initial.active}
        disabled={pending}
        onChange={(v) => save({ active: v })}
        label="Directory on"
        description="Off: the IdP's requests are refused (403) and nobody's access changes."
      />
      <Switch
        id="directory-access-by-group"
        checked={initial.deprovisionOutsideMappedGroups}
        disabled={pending}
        onChange={(v) => save({ deprovisionOutsideMappedGroups: v })}
        label="Access by group"
        description="Deprovision people who are in none of the groups mapped to a role (removing someone from their last mapped group ends their access)."
      />
      <Field id="directory-default-role" label="Role for people in no mapped group">
        <Select
          id="directory-default-role"
          value={initial.defaultRole}
          disabled={pending}
          onChange={(e) => save({ defaultRole: e.target.value as Settings["defaultRole"] })}
        >
          <option value="viewer">Viewer</option>
          <option value="editor">Editor</option>
          <option value="admin">Admin</option>
        </Select>
      </Field>
      {error && (
        <p role="alert" className="text-sm text-red-700">
          {error}
        </p>
      )}
      <div className="border-t border-slate-100 pt-4">
        <Button type="button" variant="danger" onClick={remove} disabled={pending}>
          Delete directory
        </Button>
      </div>
    </div>
  );
}
