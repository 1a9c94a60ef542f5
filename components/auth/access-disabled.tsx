import { SignOutButton } from "@/components/auth/sign-out-button";
import { Logo } from "@/components/ui/logo";

/** A signed-in person whose membership an admin disabled: why they cannot get in, and a way out. */
export function AccessDisabled({
  email,
  workspaces,
  others,
}: {
  email: string;
  workspaces: string[];
  others: { slug: string; name: string }[];
}) {
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-12">
      <div className="w-full max-w-md space-y-5 rounded-lg bg-white p-6 text-center shadow-sm ring-1 ring-slate-200">
        <Logo size={40} className="mx-auto" />
        <div className="space-y-2">
          {workspaces.map((name) => (
            <h1 key={name} className="text-xl font-semibold tracking-tight text-slate-900">
              Your access to {name} was disabled by an admin
            </h1>
          ))}
          <p className="text-sm text-slate-600">
            You are signed in as <strong className="text-slate-900">{email}</strong>. Ask an admin or owner of the workspace to enable you
            again, or sign out to use another account.
          </p>
        </div>
        <div className="flex flex-wrap justify-center gap-2">
          <SignOutButton />
          {others.map((w) => (
            <a
              key={w.slug}
              href={`/w/${w.slug}`}
              className="inline-flex items-center rounded-md px-3 py-2 text-sm font-medium text-brand-700 ring-1 ring-inset ring-slate-200 hover:bg-slate-50"
            >
              Go to {w.name}
            </a>
          ))}
        </div>
      </div>
    </main>
  );
}
