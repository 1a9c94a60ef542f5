import type { SetupDb as Db } from "../_lib/context";
import type { ResolvedSetupLink } from "@/lib/services/setup-links";

export async function DirectorySetup({ link }: { db: Db; link: ResolvedSetupLink }) {
  return <p className="text-sm text-slate-700">Setting up {link.workspace.name}.</p>;
}
