import type { Metadata } from "next";
import Link from "next/link";
import { QueryProvider } from "@/components/providers";
import { SetupLinkInvalid } from "@/components/setup-links/setup-link-invalid";
import { SetupShell } from "@/components/setup-links/setup-shell";
import { SetupLinkWizardProvider } from "@/components/setup-links/setup-wizard-provider";
import { PURPOSE_LABELS } from "@/components/setup-links/types";
import { IdpLogo } from "@/components/sso/idp-logo";
import { MetadataForm } from "@/components/sso/metadata-form";
import { SetupStepper } from "@/components/sso/setup-stepper";
import { SpValuesPanel } from "@/components/sso/sp-values-panel";
import { TestSignInPanel } from "@/components/sso/test-sign-in-panel";
import { Card, CardHeader, PageHeader } from "@/components/ui/card";
import { env } from "@/lib/env";
import { isAppError } from "@/lib/errors";
import { getIdp } from "@/lib/idp-catalogue";
import { isConnectionConfigured } from "@/lib/services/connection-health";
import { getSetupLinkConnectionOrThrow } from "@/lib/services/setup-link-scope";
import { listSsoEvents } from "@/lib/services/sso-events";
import { spValues } from "@/lib/services/sp-values";
import { toEventView } from "@/app/(console)/w/[workspace]/settings/sso/_lib/views";
import { currentSetupLink } from "../../_lib/context";

export const metadata: Metadata = { title: "Set up SSO connection", referrer: "no-referrer", robots: { index: false } };
export const dynamic = "force-dynamic";

const primaryLink =
  "inline-flex items-center gap-2 rounded-md bg-brand-600 px-3.5 py-2 text-sm font-medium text-white shadow-sm hover:bg-brand-700";
const secondaryLink =
  "inline-flex items-center gap-2 rounded-md bg-white px-3.5 py-2 text-sm font-medium text-slate-800 shadow-sm ring-1 ring-inset ring-slate-300 hover:bg-slate-50";

/** Steps 2–4 of the console's guided setup, with the same components, on a connection this link made. */
export default async function SetupConnectionPage({
  params,
  searchParams,
}: {
  params: Promise<{ connectionId: string }>;
  searchParams: Promise<{ step?: string }>;
}) {
  const { connectionId } = await params;
  const { step: rawStep } = await searchParams;
  const { db, link } = await currentSetupLink();
  const c = link?.link.purpose === "sso" ? await getSetupLinkConnectionOrThrow(db, link, connectionId).catch(notFoundAsNull) : null;
  if (!link || !c)
    return (
      <SetupShell>
        <SetupLinkInvalid />
      </SetupShell>
    );
  const idp = getIdp(c.idpType);
  const configured = isConnectionConfigured(c);
  const step = rawStep === "3" ? 3 : rawStep === "4" ? 4 : 2;
  const stepHref = (n: 2 | 3 | 4) => `/setup/sso/${c.id}?step=${n}`;
  const sp = { ...spValues(env().appUrl, c.slug), certificateUrl: `/setup/sso/${c.id}/certificate` };
  let lastTest = null;
  if (step === 4) {
    const { items } = await listSsoEvents(db, link.workspace.id, { connectionId: c.id, limit: 50 });
    const t = items.find((e) => e.testMode);
    lastTest = t ? toEventView(t) : null;
  }

  return (
    <SetupShell workspaceName={link.workspace.name} purposeLabel={PURPOSE_LABELS.sso}>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link href="/setup" className="text-brand-700 hover:underline">
          ← Setup
        </Link>
      </nav>
      <PageHeader
        title={
          <span className="flex items-center gap-3">
            <IdpLogo type={c.idpType} size="lg" /> Set up {c.name}
          </span>
        }
        description={`${idp.displayName} · slug ${c.slug}`}
      />
      <SetupStepper current={step} hrefFor={stepHref} />
      <QueryProvider>
        <SetupLinkWizardProvider>
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
                <MetadataForm
                  workspace={link.workspace.slug}
                  connectionId={c.id}
                  version={c.version}
                  idpType={c.idpType}
                  nextHref={stepHref(4)}
                  submitLabel="Save and continue"
                />
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
                  <TestSignInPanel
                    workspace={link.workspace.slug}
                    connectionId={c.id}
                    slug={c.slug}
                    configured={configured}
                    lastTest={lastTest}
                  />
                </div>
              </Card>
              <Card className="mt-6">
                <CardHeader title="Then" />
                <p className="px-5 py-4 text-sm text-slate-700">
                  When the test succeeds, the owners of {link.workspace.name} are told. They review the connection, approve it and switch it
                  on; until then nobody signs in through it.
                </p>
              </Card>
            </>
          )}
        </SetupLinkWizardProvider>
      </QueryProvider>
    </SetupShell>
  );
}

function notFoundAsNull(e: unknown): null {
  if (isAppError(e) && e.code === "NOT_FOUND") return null;
  throw e;
}
