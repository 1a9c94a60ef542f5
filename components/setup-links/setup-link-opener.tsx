"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { Spinner } from "@/components/ui/button";
import { SetupLinkInvalid } from "./setup-link-invalid";

/**
 * Reads the token from the URL fragment (never sent to a server, never in a Referer), removes it from
 * the address bar at once, and exchanges it for the HttpOnly cookie; then the page renders again with
 * the link. Without a fragment and without a valid cookie: the one "not valid" page.
 */
export function SetupLinkOpener({ valid }: { valid: boolean }) {
  const router = useRouter();
  const [state, setState] = useState<"idle" | "opening" | "invalid">(valid ? "idle" : "opening");

  useEffect(() => {
    let cancelled = false;
    const settle = (s: "idle" | "invalid") => {
      if (!cancelled) setState(s);
    };
    async function open() {
      const token = window.location.hash.slice(1);
      if (!token) return valid ? undefined : settle("invalid");
      window.history.replaceState(null, "", window.location.pathname + window.location.search);
      const r = await fetch("/setup/exchange", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ token }),
        credentials: "same-origin",
      }).catch(() => null);
      if (!r?.ok) return settle("invalid");
      settle("idle");
      router.refresh();
    }
    void open();
    // Another link pasted into this tab changes only the fragment: no page load, so listen for it.
    const onHashChange = () => {
      setState("opening");
      void open();
    };
    window.addEventListener("hashchange", onHashChange);
    return () => {
      cancelled = true;
      window.removeEventListener("hashchange", onHashChange);
    };
  }, [valid, router]);

  if (state === "invalid") return <SetupLinkInvalid />;
  if (state === "opening")
    return (
      <p role="status" className="flex items-center justify-center gap-2 py-16 text-sm text-slate-600">
        <Spinner /> Opening your setup link…
      </p>
    );
  return null;
}
