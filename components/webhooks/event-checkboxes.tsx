"use client";

import { OPT_IN_EVENT_TYPES, WEBHOOK_EVENT_TYPES } from "@/lib/webhooks/events";

/** Event filter: nothing ticked = every event except the opt-in ones. */
export function EventCheckboxes({ value, onChange, idPrefix }: { value: string[]; onChange: (v: string[]) => void; idPrefix: string }) {
  return (
    <fieldset>
      <legend className="text-sm font-medium text-slate-800">Events</legend>
      <p className="text-xs text-slate-500">None ticked: every event except sso.sign_in_failed, which is sent only when ticked.</p>
      <div className="mt-2 grid grid-cols-1 gap-1 sm:grid-cols-2">
        {WEBHOOK_EVENT_TYPES.map((t) => (
          <label key={t} htmlFor={`${idPrefix}-${t}`} className="flex items-center gap-2 font-mono text-xs text-slate-700">
            <input
              id={`${idPrefix}-${t}`}
              type="checkbox"
              checked={value.includes(t)}
              onChange={(e) => onChange(e.target.checked ? [...value, t] : value.filter((x) => x !== t))}
            />
            {t}
            {OPT_IN_EVENT_TYPES.includes(t) && <span className="font-sans text-slate-500">(opt-in)</span>}
          </label>
        ))}
      </div>
    </fieldset>
  );
}
