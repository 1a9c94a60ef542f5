import { redirect } from "next/navigation";
import { getSessionUser } from "@/lib/auth/session";
import { getReadyDb } from "@/server/bootstrap";
import { AccessDisabled } from "@/components/auth/access-disabled";
import { SignOutButton } from "@/components/auth/sign-out-button";
import { listDisabledWorkspacesForUser, listWorkspacesForUser } from "@/lib/services/workspaces";

export default async function Home() {
  const user = await getSessionUser();
  if (!user) redirect("/login");
  const db = await getReadyDb();
  const workspaces = await listWorkspacesForUser(db, user.id);
  if (workspaces[0]) redirect(`/w/${workspaces[0].slug}`);
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
