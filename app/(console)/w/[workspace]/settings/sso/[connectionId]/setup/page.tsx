import type { Metadata } from "next";
import Link from "next/link";
import { AdminOnly } from "@/components/sso/admin-only";
import { IdpLogo } from "@/components/sso/idp-logo";
import { MetadataForm } from "@/components/sso/metadata-form";
import { SetupDone } from "@/components/sso/setup-done";
import { SetupStepper } from "@/components/sso/setup-stepper";
import { SpValuesPanel } from "@/components/sso/sp-values-panel";
import { TestSignInPanel } from "@/components/sso/test-sign-in-panel";
import { QueryProvider } from "@/components/providers";
import { Card, CardHeader, PageHeader } from "@/components/ui/card";
import { getIdp } from "@/lib/idp-catalogue";
import { getConnectionHealthOrThrow, isConnectionConfigured } from "@/lib/services/connection-health";
import { listSsoEvents } from "@/lib/services/sso-events";
import { loadConnection } from "../../_lib/load";
import { toEventView } from "../../_lib/views";

export const metadata: Metadata = { title: "Set up SSO connection" };

const primaryLink =
  "inline-flex items-center gap-2 rounded-md bg-brand-600 px-3.5 py-2 text-sm font-medium text-white shadow-sm hover:bg-brand-700";
const secondaryLink =
  "inline-flex items-center gap-2 rounded-md bg-white px-3.5 py-2 text-sm font-medium text-slate-800 shadow-sm ring-1 ring-inset ring-slate-300 hover:bg-slate-50";

export default async function SetupPage({
  params,
  searchParams,
}: {
  params: Promise<{ workspace: string; connectionId: string }>;
  searchParams: Promise<{ step?: string }>;
}) {
  const { workspace: slug, connectionId } = await params;
  const { step: rawStep } = await searchParams;
  const { db, workspace, isAdmin, isOwner, connection: c, sp, base } = await loadConnection(slug, connectionId);
  const idp = getIdp(c.idpType);
  const configured = isConnectionConfigured(c);
  const step = rawStep === "3" ? 3 : rawStep === "4" ? 4 : 2;
  const stepHref = (n: 2 | 3 | 4) => `${base}/setup?step=${n}`;
  if (!isAdmin) return <AdminOnly what="set up SSO connections" />;

  let lastTest = null;
  let health = null;
  if (step === 4) {
    const [{ items }, h] = await Promise.all([
      listSsoEvents(db, workspace.id, { connectionId: c.id, limit: 50 }),
      getConnectionHealthOrThrow(db, workspace.id, c.id),
    ]);
    const t = items.find((e) => e.testMode);
    lastTest = t ? toEventView(t) : null;
    health = h;
  }

  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link href={`/w/${slug}/settings/sso`} className="text-brand-700 hover:underline">
          ← SSO connections
        </Link>
      </nav>
      <PageHeader
        title={
          <span className="flex items-center gap-3">
            <IdpLogo type={c.idpType} size="lg" decorative /> Set up {c.name}
          </span>
        }
        description={`${idp.displayName} · slug ${c.slug}`}
        actions={
          <Link href={base} className={secondaryLink}>
            Connection settings
          </Link>
        }
      />
      <SetupStepper current={step === 4 && lastTest?.outcome === "success" ? 5 : step} hrefFor={stepHref} />
      {step === 2 && (
        <Card>
          <CardHeader
            title={`Step 2 · Register these in ${idp.displayName}`}
            description={`Open ${idp.displayName} in another tab and follow these steps. Every value has a copy button.`}
          />
          <div className="px-5 py-5">
            <SpValuesPanel idpType={c.idpType} values={sp} />
          </div>
          <div className="flex items-center justify-end gap-3 border-t border-slate-100 px-5 py-4">
            <Link href={stepHref(3)} className={primaryLink}>
              Next: add {idp.displayName}&apos;s metadata →
            </Link>
          </div>
        </Card>
      )}
      {step === 3 && (
        <Card>
          <CardHeader
            title={`Step 3 · Give Gatehouse ${idp.displayName}'s metadata`}
            description={
              configured
                ? `Current IdP: ${c.idpEntityId}. Saving replaces it.`
                : "Gatehouse reads it at once and shows what it found, or exactly what is wrong."
            }
          />
          <div className="px-5 py-5">
            {isOwner ? (
              <QueryProvider>
                <MetadataForm
                  workspace={slug}
                  connectionId={c.id}
                  version={c.version}
                  idpType={c.idpType}
                  nextHref={stepHref(4)}
                  submitLabel="Save and continue"
                />
              </QueryProvider>
            ) : (
              <p className="text-sm text-slate-600">
                Only workspace owners give Gatehouse the IdP metadata: it decides who can sign in to this workspace. Ask an owner to do this
                step.
              </p>
            )}
          </div>
          {configured && (
            <div className="flex justify-end border-t border-slate-100 px-5 py-4">
              <Link href={stepHref(4)} className={secondaryLink}>
                Keep the current metadata and continue →
              </Link>
            </div>
          )}
        </Card>
      )}
      {step === 4 && (
        <>
          <Card>
            <CardHeader title="Step 4 · Test sign-in" description="Sign in through your IdP once, as a user assigned to the app." />
            <div className="px-5 py-5">
              <QueryProvider>
                <TestSignInPanel
                  workspace={slug}
                  connectionId={c.id}
                  slug={c.slug}
                  configured={configured}
                  lastTest={lastTest}
                  refreshOnSuccess
                />
              </QueryProvider>
            </div>
          </Card>
          {lastTest?.outcome === "success" ? (
            <SetupDone
              name={c.name}
              idpName={idp.displayName}
              active={c.active}
              routed={health?.routedDomains ?? []}
              defaultRole={c.defaultRole}
              links={{
                domains: `/w/${slug}/settings/domains`,
                members: `/w/${slug}/settings/members`,
                roleMapping: `${base}#role-mapping`,
                connection: base,
              }}
            />
          ) : (
            <Card className="mt-6">
              <CardHeader title="Then" />
              <ol className="list-decimal space-y-2 py-4 pl-10 pr-5 text-sm text-slate-700">
                <li>
                  <Link href={`${base}#role-mapping`} className="font-medium text-brand-700 underline">
                    Map IdP groups to roles
                  </Link>{" "}
                  (optional; everyone else gets the default role, {c.defaultRole}).
                </li>
                <li>
                  <Link href={`/w/${slug}/settings/domains`} className="font-medium text-brand-700 underline">
                    Verify your email domain and route it to this connection
                  </Link>
                  , so people who type their work email on the login page are sent to {idp.displayName}.
                </li>
                <li>When everyone can sign in, enforce SSO on the Domains page.</li>
              </ol>
            </Card>
          )}
        </>
      )}
    </>
  );
}
