import { Logo } from "@/components/ui/logo";
import type { Metadata } from "next";
import Link from "next/link";
import { AcceptInvitation } from "@/components/members/accept-invitation";
import { getSessionUser } from "@/lib/auth/session";
import { describeError, isAppError } from "@/lib/errors";
import { getReadyDb } from "@/server/bootstrap";
import { getInvitationByToken, type InvitationView } from "@/lib/services/invitations";

export const metadata: Metadata = { title: "Accept invitation", referrer: "no-referrer" };
export const dynamic = "force-dynamic";

function Frame({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-12">
      <div className="w-full max-w-md">
        <div className="mb-8 text-center">
          <Logo size={44} className="mx-auto mb-3" />
          <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
        </div>
        <div className="rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">{children}</div>
      </div>
    </main>
  );
}

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const db = await getReadyDb();
  let view: InvitationView;
  try {
    view = await getInvitationByToken(db, token);
  } catch (e) {
    if (!isAppError(e) || e.code !== "INVITATION_INVALID") throw e;
    const d = describeError("INVITATION_INVALID");
    return (
      <Frame title="Invitation not valid">
        <div role="alert" className="space-y-3 text-sm text-slate-700">
          <p className="font-medium text-slate-900">{d.message}</p>
          <p>It may have expired, been revoked, or been used already. {d.hint}</p>
          <p>
            <Link href="/login" className="font-medium text-brand-600 hover:text-brand-700">
              Go to sign in
            </Link>
          </p>
        </div>
      </Frame>
    );
  }
  const session = await getSessionUser();
  const { invitation, workspace, mode } = view;
  return (
    <Frame title={`Join ${workspace.name}`}>
      <AcceptInvitation
        token={token}
        email={invitation.email}
        role={invitation.role}
        workspaceName={workspace.name}
        mode={mode}
        signedInAs={session?.email ?? null}
      />
    </Frame>
  );
}
