"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { toast } from "@/components/ui/toast";
import type { ConnectionUpdateInput } from "@/lib/schemas/connections";
import type { ActionError } from "./types";
import { useSsoWizardActions } from "./wizard-actions";

/**
 * The newest connection version this page knows: the page's (after a refresh) or the one our own
 * last save returned. Every save of the connection (settings, metadata, role mapping) carries it.
 */
export function useLatestVersion(loadedVersion: number): [number, (saved: number) => void] {
  const [savedVersion, setVersion] = useState(0);
  return [Math.max(loadedVersion, savedVersion), setVersion];
}

/**
 * Conflict-safe saves: every patch carries the version this page loaded. A stale version
 * (someone else saved first) sets `conflict` instead of overwriting their change.
 */
export function useConnectionSave(workspace: string, connectionId: string, loadedVersion: number) {
  const router = useRouter();
  const { updateConnection } = useSsoWizardActions();
  const [version, setVersion] = useLatestVersion(loadedVersion);
  const [conflict, setConflict] = useState(false);
  const [pending, startTransition] = useTransition();

  function save(
    patch: Omit<ConnectionUpdateInput, "version">,
    opts: { success: string; onError?: (e: ActionError) => void; onSaved?: () => void },
  ) {
    startTransition(async () => {
      const r = await updateConnection(workspace, connectionId, { ...patch, version });
      if (!r.ok) {
        if (r.code === "VERSION_CONFLICT") {
          setConflict(true);
          toast.error("Someone else changed this connection", "Reload to see their change, then apply yours again.");
        } else {
          toast.error(r.message, r.hint);
        }
        opts.onError?.(r);
        return;
      }
      setVersion(r.version);
      toast.success(opts.success);
      opts.onSaved?.();
      router.refresh();
    });
  }
  return { version, conflict, pending, save };
}
