import { redirect } from "next/navigation";
import { getSessionUser } from "@/lib/auth/session";
import { getReadyDb } from "@/server/bootstrap";
import { listWorkspacesForUser } from "@/lib/services/workspaces";

export default async function Home() {
  const user = await getSessionUser();
  if (!user) redirect("/login");
  const workspaces = await listWorkspacesForUser(await getReadyDb(), user.id);
  if (workspaces[0]) redirect(`/w/${workspaces[0].slug}`);
  return (
    <main className="mx-auto max-w-lg px-4 py-24 text-center">
      <h1 className="text-xl font-semibold">You are not a member of any workspace yet</h1>
      <p className="mt-2 text-sm text-slate-600">Ask a workspace owner to invite you, then sign in again.</p>
    </main>
  );
}
