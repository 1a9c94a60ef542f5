import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "Page not found" };

/**
 * 404 for every unknown page, including another workspace's pages (members of other workspaces
 * must not learn that they exist), so the copy covers both cases.
 */
export default function NotFound() {
  return (
    <main className="mx-auto max-w-lg px-4 py-24 text-center">
      <div
        className="mx-auto mb-4 flex h-11 w-11 items-center justify-center rounded-xl bg-brand-600 text-lg font-bold text-white"
        aria-hidden="true"
      >
        G
      </div>
      <p className="text-sm font-semibold text-brand-700">404</p>
      <h1 className="mt-2 text-2xl font-semibold tracking-tight text-slate-900">Page not found</h1>
      <p className="mt-2 text-sm text-slate-600">
        The address may be mistyped or out of date, or the page belongs to a workspace you are not a member of. If a colleague sent you the
        link, ask a workspace owner or admin to invite you.
      </p>
      <div className="mt-6 flex items-center justify-center gap-4 text-sm font-medium">
        <Link href="/" className="rounded-md bg-brand-600 px-3.5 py-2 text-white shadow-sm hover:bg-brand-700">
          Go to your workspace
        </Link>
        <Link href="/login" className="text-brand-700 hover:underline">
          Sign in with another account
        </Link>
      </div>
    </main>
  );
}
