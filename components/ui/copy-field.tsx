"use client";

import { useState } from "react";

/** A read-only value with a copy button (the values an admin pastes into their IdP). */
export function CopyField({ label, value, id }: { label: string; value: string; id?: string }) {
  const [copied, setCopied] = useState(false);
  const fieldId = id ?? `copy-${label.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
    } catch {
      const el = document.getElementById(fieldId) as HTMLInputElement | null;
      el?.select();
      document.execCommand("copy");
    }
    setCopied(true);
    setTimeout(() => setCopied(false), 1500);
  }
  return (
    <div className="space-y-1">
      <label htmlFor={fieldId} className="block text-xs font-medium uppercase tracking-wide text-slate-500">
        {label}
      </label>
      <div className="flex rounded-md shadow-sm">
        <input
          id={fieldId}
          readOnly
          value={value}
          onFocus={(e) => e.currentTarget.select()}
          className="block w-full min-w-0 rounded-l-md border-0 bg-slate-50 px-3 py-2 font-mono text-xs text-slate-800 ring-1 ring-inset ring-slate-300"
        />
        <button
          type="button"
          onClick={copy}
          aria-label={`Copy ${label}`}
          className="-ml-px inline-flex w-20 items-center justify-center rounded-r-md bg-white px-3 text-xs font-semibold text-slate-700 ring-1 ring-inset ring-slate-300 hover:bg-slate-50"
        >
          <span aria-live="polite">{copied ? "Copied" : "Copy"}</span>
        </button>
      </div>
    </div>
  );
}
