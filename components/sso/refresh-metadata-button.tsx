"use client";

import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { refreshMetadataAction } from "@/app/(console)/w/[workspace]/settings/sso/[connectionId]/actions";
import { Button } from "@/components/ui/button";
import { toast } from "@/components/ui/toast";

export function RefreshMetadataButton({ workspace, connectionId }: { workspace: string; connectionId: string }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  return (
    <Button
      type="button"
      variant="secondary"
      size="sm"
      pending={pending}
      onClick={() =>
        startTransition(async () => {
          const r = await refreshMetadataAction(workspace, connectionId);
          if (r.ok) toast.success("Metadata refreshed");
          else toast.error(r.message, r.hint);
          router.refresh();
        })
      }
    >
      {pending ? "Refreshing…" : "Refresh now"}
    </Button>
  );
}
