import { Logo } from "@/components/ui/logo";
import Link from "next/link";
import type { ReactNode } from "react";
import { Toaster } from "@/components/ui/toast";
import { NavLinks } from "./nav-links";
import { UserMenu } from "./user-menu";
import { WorkspaceSwitcher } from "./workspace-switcher";

type Props = {
  workspace: { slug: string; name: string };
  workspaces: { slug: string; name: string }[];
  user: { email: string; name: string | null };
  role: string;
  children: ReactNode;
};

export function ConsoleShell({ workspace, workspaces, user, role, children }: Props) {
  return (
    <div className="min-h-screen">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2"
      >
        Skip to content
      </a>
      <header className="sticky top-0 z-30 flex h-14 items-center justify-between border-b border-slate-200 bg-white px-4">
        <div className="flex items-center gap-3">
          <Link href={`/w/${workspace.slug}`} className="flex items-center gap-2 font-semibold text-slate-900">
            <Logo size={28} />
            <span className="hidden sm:inline">Gatehouse</span>
          </Link>
          <span className="text-slate-300" aria-hidden="true">
            /
          </span>
          <WorkspaceSwitcher current={workspace.slug} workspaces={workspaces} />
        </div>
        <UserMenu email={user.email} name={user.name} role={role} />
      </header>
      <div className="mx-auto flex max-w-7xl gap-8 px-4 py-6 lg:px-6">
        <nav aria-label="Workspace settings" className="w-40 shrink-0 xl:w-48">
          <NavLinks slug={workspace.slug} />
        </nav>
        <main id="main" className="min-w-0 flex-1">
          {children}
        </main>
      </div>
      <Toaster />
    </div>
  );
}
