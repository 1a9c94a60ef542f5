"use client";

import { Button } from "@/components/ui/button";

/** Shown instead of overwriting a newer change (VERSION_CONFLICT). */
export function ConflictNotice() {
  return (
    <div
      role="alert"
      className="flex flex-wrap items-center justify-between gap-3 rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900"
    >
      <p>
        <span className="font-semibold">Someone else changed this connection since you opened the page.</span> Your change was not saved, so
        theirs is not overwritten. Reload to see the current settings, then apply your change again.
      </p>
      <Button type="button" variant="secondary" size="sm" onClick={() => window.location.reload()}>
        Reload
      </Button>
    </div>
  );
}
