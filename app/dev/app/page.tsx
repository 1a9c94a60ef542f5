import { cookies } from "next/headers";
import { notFound } from "next/navigation";
import { env } from "@/lib/env";
import { devIdpEnabled } from "@/lib/services/dev-idp-store";
import { readDemoSession } from "@/lib/services/demo-app";
import { DEMO_SESSION_COOKIE } from "./cookies";

export const dynamic = "force-dynamic";
export const metadata = { title: "Demo app" };

const ORDER = [
  "sub",
  "email",
  "email_verified",
  "name",
  "org_id",
  "org_slug",
  "org_external_id",
  "role",
  "groups",
  "connection_id",
  "idp",
  "amr",
  "auth_time",
  "sid",
];

/** A relying party served by Gatehouse itself (development only), signed in through Gatehouse's OpenID Connect provider. */
export default async function DemoAppPage({ searchParams }: { searchParams: Promise<{ error?: string }> }) {
  if (!devIdpEnabled()) notFound();
  const { error } = await searchParams;
  const session = readDemoSession((await cookies()).get(DEMO_SESSION_COOKIE)?.value);
  const claims = session?.claims ?? null;
  const rows = claims
    ? [
        ...ORDER.filter((k) => k in claims),
        ...Object.keys(claims)
          .filter((k) => !ORDER.includes(k))
          .sort(),
      ]
    : [];
  return (
    <main className="mx-auto max-w-2xl px-4 py-12">
      <p className="text-xs font-semibold uppercase tracking-wide text-amber-700">Demo application · development only</p>
      <h1 className="mt-2 text-2xl font-semibold tracking-tight text-slate-900">Demo app</h1>
      <p className="mt-1 text-sm text-slate-600">
        Your product, in miniature: it signs people in with Gatehouse over OpenID Connect (issuer{" "}
        <code className="rounded bg-slate-100 px-1">{env().appUrl}/oidc</code>) and trusts only the ID token it verified.
      </p>
      {error && (
        <div role="alert" className="mt-6 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 ring-1 ring-inset ring-red-200">
          Sign-in did not complete: <code>{error}</code>
        </div>
      )}
      <section className="mt-6 rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">
        {claims ? (
          <>
            <h2 className="text-lg font-semibold text-slate-900">
              Signed in as {String(claims.email ?? claims.sub)}
              {claims.org_slug ? ` in ${String(claims.org_slug)}` : ""}
            </h2>
            <p className="mt-1 text-sm text-slate-600">The verified ID token&apos;s claims:</p>
            <dl className="mt-4 grid grid-cols-[max-content_minmax(0,1fr)] gap-x-6 gap-y-2 text-sm" aria-label="ID token claims">
              {rows.map((k) => (
                <div key={k} className="contents">
                  <dt className="font-mono text-slate-500">{k}</dt>
                  <dd className="break-all font-mono text-slate-900" data-claim={k}>
                    {typeof claims[k] === "string" ? String(claims[k]) : JSON.stringify(claims[k])}
                  </dd>
                </div>
              ))}
            </dl>
            <a href="/dev/app/logout" className="mt-6 inline-block text-sm font-medium text-brand-600 hover:text-brand-700">
              Sign out (everywhere, through Gatehouse)
            </a>
          </>
        ) : (
          <>
            <p className="text-sm text-slate-600">
              The chain: this app → Gatehouse → the built-in IdP → Gatehouse → back here with a code, exchanged for tokens (PKCE).
            </p>
            <div className="mt-5 flex flex-wrap gap-3">
              <a href="/dev/app/login" className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700">
                Sign in with Gatehouse
              </a>
              <a
                href="/dev/app/login?via=email"
                className="rounded-md px-4 py-2 text-sm font-medium text-slate-700 ring-1 ring-slate-300 hover:bg-slate-50"
              >
                Sign in with your email
              </a>
            </div>
          </>
        )}
      </section>
    </main>
  );
}
