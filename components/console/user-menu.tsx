"use client";

import { useEffect, useRef, useState } from "react";

/** The signed-in person, their role here, and sign out. Escape or a click elsewhere closes it. */
export function UserMenu({ email, name, role }: { email: string; name: string | null; role: string }) {
  const [open, setOpen] = useState(false);
  const [pending, setPending] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") {
        setOpen(false);
        trigger.current?.focus();
      }
    };
    const onDown = (e: MouseEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("keydown", onKey);
    document.addEventListener("mousedown", onDown);
    return () => {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("mousedown", onDown);
    };
  }, [open]);

  return (
    <div className="relative" ref={root}>
      <button
        ref={trigger}
        type="button"
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
        className="flex items-center gap-2 rounded-full py-1 pl-1 pr-3 text-sm text-slate-700 hover:bg-slate-100"
      >
        <span
          className="flex h-7 w-7 items-center justify-center rounded-full bg-slate-200 text-xs font-semibold uppercase text-slate-700"
          aria-hidden="true"
        >
          {(name ?? email).slice(0, 1)}
        </span>
        <span className="hidden max-w-[14rem] truncate sm:inline">{email}</span>
      </button>
      {open && (
        <div
          role="menu"
          aria-label="Account"
          className="absolute right-0 z-40 mt-2 w-64 rounded-md bg-white py-1 shadow-lg ring-1 ring-slate-200"
        >
          <div className="border-b border-slate-100 px-3 py-2 text-xs text-slate-500" role="none">
            Signed in as <span className="break-all font-medium text-slate-800">{email}</span>
            <br />
            Role: <span className="font-medium text-slate-800">{role}</span>
          </div>
          {/* A plain form POST: sign-out may continue at the identity provider (SAML single logout). */}
          <form method="post" action="/auth/sign-out" role="none" onSubmit={() => setPending(true)}>
            <button
              type="submit"
              role="menuitem"
              disabled={pending}
              className="block w-full px-3 py-2 text-left text-sm text-slate-700 hover:bg-slate-50"
            >
              {pending ? "Signing out…" : "Sign out"}
            </button>
          </form>
        </div>
      )}
    </div>
  );
}
