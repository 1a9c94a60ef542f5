import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { getSessionUser } from "@/lib/auth/session";
import { clientIp } from "@/lib/http/client-ip";
import { getReadyDb } from "@/server/bootstrap";
import { firstReachableWorkspace } from "@/lib/services/ip-allowlist";
import { AccessDisabled } from "@/components/auth/access-disabled";
import { SignOutButton } from "@/components/auth/sign-out-button";
import { listDisabledWorkspacesForUser, listWorkspacesForUser } from "@/lib/services/workspaces";

export default async function Home() {
  const user = await getSessionUser();
  if (!user) redirect("/login");
  const db = await getReadyDb();
  const workspaces = await listWorkspacesForUser(db, user.id);
  // The first workspace whose IP allowlist lets this request in (else the first: it shows why not).
  const landing = (await firstReachableWorkspace(db, workspaces, user.id, clientIp(await headers()))) ?? workspaces[0];
  if (landing) redirect(`/w/${landing.slug}`);
  const disabled = await listDisabledWorkspacesForUser(db, user.id);
  if (disabled.length) return <AccessDisabled email={user.email} workspaces={disabled.map((w) => w.name)} others={[]} />;
  return (
    <main className="mx-auto max-w-lg px-4 py-24 text-center">
      <h1 className="text-xl font-semibold">You are not a member of any workspace yet</h1>
      <p className="mt-2 text-sm text-slate-600">Signed in as {user.email}. Ask a workspace owner to invite you, then sign in again.</p>
      <div className="mt-6 flex justify-center">
        <SignOutButton />
      </div>
    </main>
  );
}
