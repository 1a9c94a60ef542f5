"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { setGroupRoleAction } from "@/app/(console)/w/[workspace]/settings/directory-sync/actions";
import { Select } from "@/components/ui/input";

/** The role a group gives its members (highest wins; never owner). Saved at once. */
export function GroupRoleSelect({
  workspace,
  directoryId,
  groupId,
  groupName,
  role,
}: {
  workspace: string;
  directoryId: string;
  groupId: string;
  groupName: string;
  role: string | null;
}) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <div>
      <Select
        aria-label={`Role for members of ${groupName}`}
        value={role ?? ""}
        disabled={pending}
        onChange={(e) => {
          const next = e.target.value;
          setError(null);
          startTransition(async () => {
            const r = await setGroupRoleAction(workspace, directoryId, groupId, next);
            if (!r.ok) setError(r.message);
            router.refresh();
          });
        }}
      >
        <option value="">No role</option>
        <option value="viewer">Viewer</option>
        <option value="editor">Editor</option>
        <option value="admin">Admin</option>
      </Select>
      {error && (
        <p role="alert" className="mt-1 text-xs text-red-700">
          {error}
        </p>
      )}
    </div>
  );
}
