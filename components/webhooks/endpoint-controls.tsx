"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { deleteWebhookAction, redeliverAction, updateWebhookAction } from "@/app/(console)/w/[workspace]/settings/webhooks/actions";
import { Switch } from "@/components/sso/switch";
import { Button } from "@/components/ui/button";
import { EventCheckboxes } from "./event-checkboxes";

/** Enable/disable, the event filter and delete for one endpoint. */
export function EndpointControls({
  workspace,
  id,
  enabled,
  eventTypes,
}: {
  workspace: string;
  id: string;
  enabled: boolean;
  eventTypes: string[];
}) {
  const router = useRouter();
  const [events, setEvents] = useState(eventTypes);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const run = (fn: () => Promise<{ ok: boolean; message?: string; hint?: string }>, after?: () => void) =>
    startTransition(async () => {
      setError(null);
      const r = await fn();
      if (!r.ok) return setError(`${r.message} ${r.hint}`);
      after?.();
      router.refresh();
    });
  return (
    <div className="space-y-5 px-5 py-4">
      <Switch
        id="webhook-enabled"
        checked={enabled}
        disabled={pending}
        onChange={(v) => run(() => updateWebhookAction(workspace, id, { enabled: v }))}
        label="Enabled"
        description="Off: no new events are queued for this endpoint; queued ones wait until it is on again."
      />
      <EventCheckboxes idPrefix="webhook-events" value={events} onChange={setEvents} />
      <div className="flex flex-wrap gap-2">
        <Button
          type="button"
          variant="secondary"
          disabled={pending}
          onClick={() => run(() => updateWebhookAction(workspace, id, { eventTypes: events }))}
        >
          Save events
        </Button>
        <Button
          type="button"
          variant="danger"
          disabled={pending}
          onClick={() => {
            if (window.confirm("Delete this endpoint? Queued deliveries are dropped."))
              run(
                () => deleteWebhookAction(workspace, id),
                () => router.push(`/w/${workspace}/settings/webhooks`),
              );
          }}
        >
          Delete endpoint
        </Button>
      </div>
      {error && (
        <p role="alert" className="text-sm text-red-700">
          {error}
        </p>
      )}
    </div>
  );
}

export function RedeliverButton({ workspace, id, deliveryId }: { workspace: string; id: string; deliveryId: string }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [note, setNote] = useState<string | null>(null);
  return (
    <span className="inline-flex items-center gap-2">
      <Button
        type="button"
        size="sm"
        variant="secondary"
        disabled={pending}
        onClick={() =>
          startTransition(async () => {
            const r = await redeliverAction(workspace, id, deliveryId);
            setNote(r.ok ? "Queued" : r.message);
            router.refresh();
          })
        }
      >
        Redeliver
      </Button>
      {note && (
        <span role="status" className="text-xs text-slate-500">
          {note}
        </span>
      )}
    </span>
  );
}
