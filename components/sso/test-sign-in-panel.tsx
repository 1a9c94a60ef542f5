"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Spinner } from "@/components/ui/button";
import { formatDateTime } from "./format";
import type { SsoEventView } from "./types";
import { useSsoWizardActions } from "./wizard-actions";

/**
 * "Test sign-in": opens the SP-initiated flow in test mode in a new tab (no session is created and
 * nobody is provisioned) and polls for its result here.
 */
export function TestSignInPanel({
  workspace,
  connectionId,
  slug,
  configured,
  lastTest,
  refreshOnSuccess = false,
}: {
  workspace: string;
  connectionId: string;
  slug: string;
  configured: boolean;
  lastTest: SsoEventView | null;
  /** Re-render the page once a polled test succeeds (the setup wizard then shows its "Done" state). */
  refreshOnSuccess?: boolean;
}) {
  const router = useRouter();
  const actions = useSsoWizardActions();
  const [startedAt, setStartedAt] = useState<string | null>(null);
  const poll = useQuery({
    queryKey: ["latest-test", workspace, connectionId, startedAt],
    queryFn: async () => {
      const r = await actions.latestTestEvent(workspace, connectionId, startedAt!);
      if (!r.ok) throw new Error(r.message);
      return r.event;
    },
    enabled: startedAt !== null,
    refetchInterval: (q) => (q.state.data ? false : 2000),
  });
  const result = (startedAt ? poll.data : null) ?? (startedAt ? null : lastTest);
  const polledSuccess = startedAt !== null && poll.data?.outcome === "success";
  useEffect(() => {
    if (refreshOnSuccess && polledSuccess) router.refresh();
  }, [refreshOnSuccess, polledSuccess, router]);
  const href = `/auth/sso/saml/${encodeURIComponent(slug)}/login?test=1`;

  return (
    <div className="space-y-4">
      <p className="text-sm text-slate-700">
        Signs you in at the IdP exactly like a user would, then shows what Gatehouse received: every attribute, the NameID and the role the
        mapping would give. Test mode creates no session and provisions nobody. It works while the connection is inactive, too.
      </p>
      {configured ? (
        <a
          href={href}
          target="_blank"
          rel="noopener"
          onClick={() => setStartedAt(new Date(Date.now() - 5000).toISOString())}
          className="inline-flex items-center gap-2 rounded-md bg-brand-600 px-3.5 py-2 text-sm font-medium text-white shadow-sm hover:bg-brand-700"
        >
          Run test sign-in <span aria-hidden="true">↗</span>
          <span className="sr-only">(opens in a new tab)</span>
        </a>
      ) : (
        <p className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
          Add the IdP metadata first: a test needs the IdP&apos;s SSO URL and certificate.
        </p>
      )}
      <div aria-live="polite" className="min-h-[3rem]">
        {startedAt && !poll.data && (
          <p className="flex items-center gap-2 text-sm text-slate-600">
            <Spinner /> Waiting for the result: complete the sign-in in the new tab…
          </p>
        )}
        {poll.isError && <p className="text-sm text-red-700">Could not check for the result: {(poll.error as Error).message}</p>}
        {result && (
          <div
            className={`rounded-md border px-4 py-3 text-sm ${result.outcome === "success" ? "border-emerald-200 bg-emerald-50" : "border-red-200 bg-red-50"}`}
          >
            <div className="flex flex-wrap items-center gap-2">
              <span className="font-semibold">{startedAt ? "Result:" : "Last test:"}</span>
              <Badge tone={result.outcome === "success" ? "green" : "red"}>{result.outcome === "success" ? "Success" : "Failed"}</Badge>
              {result.errorCode && <code className="rounded bg-red-100 px-1.5 py-0.5 font-mono text-xs">{result.errorCode}</code>}
              {result.email && <span>{result.email}</span>}
              {typeof result.detail.role === "string" && (
                <span>
                  → role <span className="font-semibold capitalize">{result.detail.role}</span>
                </span>
              )}
              <span className="text-slate-600">{formatDateTime(result.createdAt)}</span>
            </div>
            <Link
              href={actions.testResultPath(workspace, connectionId, result.id)}
              className="mt-2 inline-block font-medium text-brand-700 underline"
            >
              See the full result
            </Link>
          </div>
        )}
      </div>
    </div>
  );
}
