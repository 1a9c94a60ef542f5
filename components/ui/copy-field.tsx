"use client";

import type { ReactNode } from "react";
import { useState } from "react";
import { cn } from "./cn";

/**
 * A read-only value with a copy button (the values an admin pastes into their IdP).
 * `exactLabel` keeps the label's casing as written, for labels that quote an IdP's own field name
 * (the admin looks for that text on the IdP's screen); otherwise labels are small caps.
 */
export function CopyField({
  label,
  value,
  id,
  caption,
  exactLabel = false,
}: {
  label: string;
  value: string;
  id?: string;
  caption?: ReactNode;
  exactLabel?: boolean;
}) {
  const [copied, setCopied] = useState(false);
  const fieldId = id ?? `copy-${label.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
    } catch {
      (document.getElementById(fieldId) as HTMLInputElement | null)?.select();
      document.execCommand("copy");
    }
    setCopied(true);
    setTimeout(() => setCopied(false), 1500);
  }
  return (
    <div className="space-y-1">
      <label
        htmlFor={fieldId}
        className={cn(
          "block",
          exactLabel ? "text-sm font-semibold text-slate-800" : "text-xs font-medium uppercase tracking-wide text-slate-500",
        )}
      >
        {label}
      </label>
      <div className="flex rounded-md shadow-sm">
        <input
          id={fieldId}
          readOnly
          value={value}
          onFocus={(e) => e.currentTarget.select()}
          aria-describedby={caption ? `${fieldId}-caption` : undefined}
          className="block w-full min-w-0 rounded-l-md border-0 bg-slate-50 px-3 py-2 font-mono text-xs text-slate-800 ring-1 ring-inset ring-slate-300"
        />
        <button
          type="button"
          onClick={copy}
          aria-label={`Copy ${label}`}
          className="-ml-px inline-flex w-20 shrink-0 items-center justify-center rounded-r-md bg-white px-3 text-xs font-semibold text-slate-700 ring-1 ring-inset ring-slate-300 hover:bg-slate-50"
        >
          <span aria-live="polite">{copied ? "Copied" : "Copy"}</span>
        </button>
      </div>
      {caption && (
        <p id={`${fieldId}-caption`} className="text-xs text-slate-500">
          {caption}
        </p>
      )}
    </div>
  );
}
