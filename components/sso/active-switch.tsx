"use client";

import { ConflictNotice } from "./conflict-notice";
import { Switch } from "./switch";
import { useConnectionSave } from "./use-connection-save";

/** The connection's Active switch: off refuses every sign-in (SAML_INACTIVE) until it is on again. */
export function ActiveSwitch({
  workspace,
  connectionId,
  version,
  active,
}: {
  workspace: string;
  connectionId: string;
  version: number;
  active: boolean;
}) {
  const { conflict, pending, save } = useConnectionSave(workspace, connectionId, version);
  return (
    <div className="space-y-3">
      <Switch
        id="conn-active"
        label={pending ? "Saving…" : active ? "Active" : "Inactive"}
        description={
          active ? "Users can sign in through this connection." : "Sign-ins are refused until you switch it on (test sign-in still works)."
        }
        checked={active}
        disabled={pending}
        onChange={(v) => save({ active: v }, { success: v ? "Connection activated" : "Connection deactivated" })}
      />
      {conflict && <ConflictNotice />}
    </div>
  );
}
