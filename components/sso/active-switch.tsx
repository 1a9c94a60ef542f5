"use client";

import type { ConnectionStatus } from "@/lib/services/connection-health";
import { ConflictNotice } from "./conflict-notice";
import { Switch } from "./switch";
import { useConnectionSave } from "./use-connection-save";

/**
 * The connection's Active switch: off refuses every sign-in (SAML_INACTIVE) until it is on again.
 * Its description follows the connection's status (the same one the list and the badge show): "on"
 * is not "users can sign in" while the IdP metadata is missing.
 */
export function ActiveSwitch({
  workspace,
  connectionId,
  version,
  active,
  status,
}: {
  workspace: string;
  connectionId: string;
  version: number;
  active: boolean;
  status: ConnectionStatus;
}) {
  const { conflict, pending, save } = useConnectionSave(workspace, connectionId, version);
  return (
    <div className="space-y-3">
      <Switch
        id="conn-active"
        label={pending ? "Saving…" : active ? "Active" : "Inactive"}
        description={
          !active
            ? "Sign-ins are refused until you switch it on (test sign-in still works)."
            : status === "needs_metadata"
              ? "Switched on, but nobody can sign in until the IdP metadata is added."
              : status === "failing"
                ? "Switched on, but the last sign-in or test failed: open the event log."
                : "Users can sign in through this connection."
        }
        checked={active}
        disabled={pending}
        onChange={(v) => save({ active: v }, { success: v ? "Connection activated" : "Connection deactivated" })}
      />
      {conflict && <ConflictNotice />}
    </div>
  );
}
