"use client";

import { useState } from "react";

/**
 * A read-only value with a copy button, labelled with the IdP's field name in its exact casing
 * (the admin looks for that text on the IdP's screen).
 */
export function ValueField({ id, label, value, caption }: { id: string; label: string; value: string; caption?: React.ReactNode }) {
  const [copied, setCopied] = useState(false);
  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
    } catch {
      (document.getElementById(id) as HTMLInputElement | null)?.select();
      document.execCommand("copy");
    }
    setCopied(true);
    setTimeout(() => setCopied(false), 1500);
  }
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-semibold text-slate-800">
        {label}
      </label>
      <div className="flex rounded-md shadow-sm">
        <input
          id={id}
          readOnly
          value={value}
          onFocus={(e) => e.currentTarget.select()}
          aria-describedby={caption ? `${id}-caption` : undefined}
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
        <p id={`${id}-caption`} className="text-xs text-slate-500">
          {caption}
        </p>
      )}
    </div>
  );
}
