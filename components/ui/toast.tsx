"use client";

import { useEffect, useSyncExternalStore } from "react";
import { cn } from "./cn";

/**
 * Tiny toast system: call `toast.success(...)` / `toast.error(...)` anywhere in client code and mount
 * `<Toaster />` once (the console shell does). Toasts are announced to screen readers (polite for success,
 * assertive for errors), and can be dismissed. They stack bottom-left, inside the width of the
 * console's navigation column, which is empty at the bottom: a toast never covers a control of
 * the page (a Copy button, a form's submit) that the person may want to use right after it.
 */

type Tone = "success" | "error" | "info";
export type Toast = { id: number; tone: Tone; title: string; description?: string };

let items: Toast[] = [];
let nextId = 1;
const listeners = new Set<() => void>();
const emit = () => listeners.forEach((l) => l());

function push(tone: Tone, title: string, description?: string): number {
  const id = nextId++;
  items = [...items.slice(-3), { id, tone, title, description }];
  emit();
  return id;
}

export function dismissToast(id: number) {
  items = items.filter((t) => t.id !== id);
  emit();
}

export const toast = {
  success: (title: string, description?: string) => push("success", title, description),
  error: (title: string, description?: string) => push("error", title, description),
  info: (title: string, description?: string) => push("info", title, description),
};

function subscribe(l: () => void) {
  listeners.add(l);
  return () => listeners.delete(l);
}
const EMPTY: Toast[] = [];

const tones: Record<Tone, string> = {
  success: "border-emerald-200 bg-white text-slate-900 [--dot:theme(colors.emerald.500)]",
  error: "border-red-200 bg-white text-slate-900 [--dot:theme(colors.red.500)]",
  info: "border-slate-200 bg-white text-slate-900 [--dot:theme(colors.brand.500)]",
};

function ToastItem({ t }: { t: Toast }) {
  useEffect(() => {
    const timer = setTimeout(() => dismissToast(t.id), t.tone === "error" ? 10_000 : 7_000);
    return () => clearTimeout(timer);
  }, [t.id, t.tone]);
  return (
    <div
      className={cn("pointer-events-auto flex w-full items-start gap-2 rounded-lg border p-3 shadow-lg", tones[t.tone])}
      data-testid="toast"
    >
      <span className="mt-1.5 h-2 w-2 shrink-0 rounded-full bg-[var(--dot)]" aria-hidden="true" />
      <div className="min-w-0 flex-1">
        <p className="break-words text-sm font-medium">{t.title}</p>
        {t.description && <p className="mt-0.5 break-words text-xs text-slate-600">{t.description}</p>}
      </div>
      <button
        type="button"
        onClick={() => dismissToast(t.id)}
        className="rounded px-1 text-slate-500 hover:text-slate-800"
        aria-label="Dismiss notification"
      >
        ×
      </button>
    </div>
  );
}

/**
 * Mounted once (the console shell). The two live regions exist before any toast does, so screen
 * readers announce what is added to them: errors assertively, everything else politely.
 */
export function Toaster() {
  const list = useSyncExternalStore(
    subscribe,
    () => items,
    () => EMPTY,
  );
  return (
    <div
      className="pointer-events-none fixed bottom-4 left-4 z-50 flex w-[10rem] flex-col gap-2 lg:left-6 xl:w-[12rem]"
      data-testid="toaster"
    >
      <div role="status" aria-live="polite" className="flex flex-col gap-2">
        {list
          .filter((t) => t.tone !== "error")
          .map((t) => (
            <ToastItem key={t.id} t={t} />
          ))}
      </div>
      <div role="alert" aria-live="assertive" className="flex flex-col gap-2">
        {list
          .filter((t) => t.tone === "error")
          .map((t) => (
            <ToastItem key={t.id} t={t} />
          ))}
      </div>
    </div>
  );
}
