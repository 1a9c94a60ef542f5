import type { ReactNode } from "react";
import { Logo } from "@/components/ui/logo";

/** The frame of the IT admin's pages: which workspace they set up, and for what (no console navigation). */
export function SetupShell({
  workspaceName,
  purposeLabel,
  children,
}: {
  workspaceName?: string;
  purposeLabel?: string;
  children: ReactNode;
}) {
  return (
    <div className="min-h-screen bg-slate-50">
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-5xl items-center gap-3 px-4 py-3">
          <Logo size={28} />
          <span className="font-semibold text-slate-900">Gatehouse</span>
          {workspaceName && (
            <span className="text-sm text-slate-600">
              · Setting up {purposeLabel ? <span className="font-medium">{purposeLabel}</span> : null} for{" "}
              <span className="font-medium text-slate-900">{workspaceName}</span>
            </span>
          )}
        </div>
      </header>
      <main className="mx-auto max-w-5xl px-4 py-8">{children}</main>
    </div>
  );
}
