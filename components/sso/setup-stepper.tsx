import Link from "next/link";
import { cn } from "@/components/ui/cn";

const STEPS = ["Name and slug", "Register in your IdP", "IdP metadata", "Test sign-in"] as const;

/** The 4-step progress bar of the guided setup (current 5: every step done). Steps after creation are links (resume any time). */
export function SetupStepper({ current, hrefFor }: { current: 1 | 2 | 3 | 4 | 5; hrefFor?: (step: 2 | 3 | 4) => string }) {
  return (
    <nav aria-label="Setup progress" className="mb-6">
      <ol className="grid grid-cols-2 gap-2 md:grid-cols-4">
        {STEPS.map((label, i) => {
          const n = (i + 1) as 1 | 2 | 3 | 4;
          const state = n < current ? "done" : n === current ? "current" : "todo";
          const body = (
            <span
              className={cn(
                "flex h-full items-center gap-2 rounded-md border px-3 py-2 text-sm",
                state === "current" && "border-brand-500 bg-brand-50 font-semibold text-brand-700",
                state === "done" && "border-emerald-200 bg-white text-slate-700",
                state === "todo" && "border-slate-200 bg-white text-slate-500",
              )}
            >
              <span
                className={cn(
                  "flex h-5 w-5 shrink-0 items-center justify-center rounded-full text-xs",
                  state === "done"
                    ? "bg-emerald-500 text-white"
                    : state === "current"
                      ? "bg-brand-600 text-white"
                      : "bg-slate-200 text-slate-600",
                )}
                aria-hidden="true"
              >
                {state === "done" ? "✓" : n}
              </span>
              <span>
                <span className="sr-only">Step {n}: </span>
                {label}
                {state === "done" && <span className="sr-only"> (done)</span>}
              </span>
            </span>
          );
          return (
            <li key={label} aria-current={state === "current" ? "step" : undefined}>
              {hrefFor && n > 1 && n !== current ? (
                <Link href={hrefFor(n as 2 | 3 | 4)} className="block h-full rounded-md">
                  {body}
                </Link>
              ) : (
                body
              )}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
