import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AccessDisabled } from "@/components/auth/access-disabled";
import { requireUser } from "@/lib/auth/session";
import { listDisabledWorkspacesForUser, listWorkspacesForUser } from "@/lib/services/workspaces";
import { getReadyDb } from "@/server/bootstrap";

export const metadata: Metadata = { title: "Access disabled" };
export const dynamic = "force-dynamic";

// /access-disabled?workspace=<slug> — only the signed-in user's own disabled memberships are named.
export default async function AccessDisabledPage({ searchParams }: { searchParams: Promise<{ workspace?: string }> }) {
  const user = await requireUser();
  const db = await getReadyDb();
  const { workspace } = await searchParams;
  const disabled = await listDisabledWorkspacesForUser(db, user.id, typeof workspace === "string" ? workspace : undefined);
  if (!disabled.length) redirect("/");
  const others = await listWorkspacesForUser(db, user.id);
  return (
    <AccessDisabled
      email={user.email}
      workspaces={disabled.map((w) => w.name)}
      others={others.map((w) => ({ slug: w.slug, name: w.name }))}
    />
  );
}
