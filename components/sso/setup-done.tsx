import Link from "next/link";

const link = "font-medium text-brand-700 underline";

/**
 * The end of the guided setup, once a test sign-in succeeded: the connection works, and what is
 * left before people use it (route a domain, enforce SSO, invite people).
 */
export function SetupDone({
  name,
  idpName,
  active,
  routed,
  defaultRole,
  links,
}: {
  name: string;
  idpName: string;
  active: boolean;
  routed: string[];
  defaultRole: string;
  links: { domains: string; members: string; roleMapping: string; connection: string };
}) {
  return (
    <section
      aria-labelledby="setup-done-title"
      className="mt-6 rounded-lg border border-emerald-200 bg-emerald-50 p-5 shadow-sm"
      data-testid="setup-done"
    >
      <h2 id="setup-done-title" className="flex items-center gap-2 text-lg font-semibold text-emerald-900">
        <span aria-hidden="true" className="flex h-6 w-6 items-center justify-center rounded-full bg-emerald-600 text-sm text-white">
          ✓
        </span>
        Done: {name} works
      </h2>
      <p className="mt-1 text-sm text-emerald-900">
        The test sign-in through {idpName} succeeded.{" "}
        {active ? "The connection is on." : "The connection is switched off: turn it on in the connection settings before people use it."}
      </p>
      <h3 className="mt-4 text-sm font-semibold text-slate-900">What happens next</h3>
      <ol className="mt-2 list-decimal space-y-2 pl-5 text-sm text-slate-800">
        <li>
          {routed.length ? (
            <>
              People with an address at <span className="font-medium">{routed.join(", ")}</span> are sent to {idpName} when they type their
              email on the login page.
            </>
          ) : (
            <>
              <Link href={links.domains} className={link}>
                Verify your email domain and route it to {name}
              </Link>
              : then people who type their work email on the login page are sent to {idpName}. Until then they can start from their{" "}
              {idpName} dashboard.
            </>
          )}
        </li>
        <li>
          <Link href={links.members} className={link}>
            Invite people
          </Link>{" "}
          or let them sign in: on their first SSO sign-in they join with the {defaultRole} role (
          <Link href={links.roleMapping} className={link}>
            map IdP groups to roles
          </Link>{" "}
          to give admins their role).
        </li>
        <li>
          When everyone can sign in,{" "}
          <Link href={links.domains} className={link}>
            enforce SSO
          </Link>{" "}
          on the Domains page, so passwords stop working for your domain (owners keep a way in).
        </li>
      </ol>
      <div className="mt-4">
        <Link
          href={links.connection}
          className="inline-flex items-center gap-2 rounded-md bg-brand-600 px-3.5 py-2 text-sm font-medium text-white shadow-sm hover:bg-brand-700"
        >
          Finish: go to the connection
        </Link>
      </div>
    </section>
  );
}
