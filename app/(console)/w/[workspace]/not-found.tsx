"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { Card, EmptyState } from "@/components/ui/card";

/** 404 inside a workspace (a deleted connection, an old link): stay in the console, offer the way back. */
export default function WorkspaceNotFound() {
  const slug = usePathname().split("/")[2] ?? "";
  return (
    <Card>
      <EmptyState
        icon="?"
        title="This page does not exist in this workspace"
        description="It may have been deleted (a removed connection or sign-in event), or the link is mistyped. Pick a section on the left, or go back to the SSO connections."
        action={
          <Link
            href={`/w/${slug}/settings/sso`}
            className="inline-flex items-center rounded-md bg-brand-600 px-3.5 py-2 text-sm font-medium text-white shadow-sm hover:bg-brand-700"
          >
            SSO connections
          </Link>
        }
      />
    </Card>
  );
}
