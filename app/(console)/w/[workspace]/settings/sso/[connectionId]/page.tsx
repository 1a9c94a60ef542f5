import type { Metadata } from "next";
import Link from "next/link";
import { ActiveSwitch } from "@/components/sso/active-switch";
import { DeleteConnection } from "@/components/sso/delete-connection";
import { EncryptedAssertions } from "@/components/sso/encrypted-assertions";
import { EventLog } from "@/components/sso/event-log";
import { formatDate, formatDateTime } from "@/components/sso/format";
import { IdpLogo } from "@/components/sso/idp-logo";
import { MetadataForm } from "@/components/sso/metadata-form";
import { RefreshMetadataButton } from "@/components/sso/refresh-metadata-button";
import { RoleMappingEditor } from "@/components/sso/role-mapping-editor";
import { SettingsForm } from "@/components/sso/settings-form";
import { CopyButton } from "@/components/sso/copy-button";
import { SloSettingsForm } from "@/components/sso/slo-settings";
import { ValueField } from "@/components/sso/value-field";
import { SpKeyRotation } from "@/components/sso/sp-key-rotation";
import { SpValuesPanel } from "@/components/sso/sp-values-panel";
import { ConnectionStatusBadge, STATUS_HELP, unsignedRefusedText } from "@/components/sso/status-badge";
import { TestSignInPanel } from "@/components/sso/test-sign-in-panel";
import { TrustApproval } from "@/components/sso/trust-approval";
import { QueryProvider } from "@/components/providers";
import { Card, CardHeader, PageHeader } from "@/components/ui/card";
import type { MappableRole } from "@/lib/auth/roles";
import { getIdp } from "@/lib/idp-catalogue";
import { getConnectionHealthOrThrow, isConnectionConfigured } from "@/lib/services/connection-health";
import { describeTrustApproval, type TrustApprovalView } from "@/lib/services/connection-trust";
import { listRoleMappings } from "@/lib/services/role-mapping";
import { listSpKeys } from "@/lib/services/sp-keys";
import { listSpEncryptionKeys } from "@/lib/services/sp-encryption-keys";
import { listSsoEvents } from "@/lib/services/sso-events";
import { loadConnection } from "../_lib/load";
import { toEventView } from "../_lib/views";

export const metadata: Metadata = { title: "SSO connection" };

const SOURCE_LABEL = { url: "Metadata URL", xml: "Metadata XML", manual: "Entered by hand" } as const;

function trustSummary(t: TrustApprovalView): string {
  const when = t.at ? ` on ${formatDateTime(t.at)}` : "";
  if (t.via === "operator") return `Approved by the operator (CLI)${when}.`;
  if (!t.via) return "No owner has approved this connection yet.";
  const who = t.byEmail ? `${t.byEmail}${t.via === "api_key" ? " (API key)" : ""}` : "an operator API key";
  return t.approved ? `Approved by ${who}${when}.` : `Last approved by ${who}${when}, who is no longer an owner of this workspace.`;
}

export default async function ConnectionPage({
  params,
  searchParams,
}: {
  params: Promise<{ workspace: string; connectionId: string }>;
  searchParams: Promise<{ events?: string }>;
}) {
  const { workspace: slug, connectionId } = await params;
  const { events: eventsFilter } = await searchParams;
  const { db, workspace, isAdmin, isOwner, connection: c, sp, base } = await loadConnection(slug, connectionId);
  const outcome = eventsFilter === "failure" || eventsFilter === "success" ? eventsFilter : "all";
  const idp = getIdp(c.idpType);
  const [health, events, recent, rules, keys, trust, encryptionKeys] = await Promise.all([
    getConnectionHealthOrThrow(db, workspace.id, c.id),
    listSsoEvents(db, workspace.id, { connectionId: c.id, outcome: outcome === "all" ? undefined : outcome, limit: 25 }),
    listSsoEvents(db, workspace.id, { connectionId: c.id, limit: 50 }),
    listRoleMappings(db, workspace.id, c.id),
    listSpKeys(db, workspace.id, c.id),
    describeTrustApproval(db, c),
    listSpEncryptionKeys(db, workspace.id, c.id),
  ]);
  const lastTest = recent.items.find((e) => e.testMode);
  const configured = isConnectionConfigured(c);

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
            <IdpLogo type={c.idpType} size="lg" decorative /> {c.name} <ConnectionStatusBadge status={health.status} />
          </span>
        }
        description={`${idp.displayName} · slug ${c.slug} · ${STATUS_HELP[health.status]}`}
        actions={
          isAdmin && (
            <Link
              href={`${base}/setup?step=${configured ? 4 : 2}`}
              className="rounded-md bg-white px-3.5 py-2 text-sm font-medium text-slate-800 shadow-sm ring-1 ring-inset ring-slate-300 hover:bg-slate-50"
            >
              {configured ? "Guided setup" : "Continue setup"}
            </Link>
          )
        }
      />

      <div className="grid gap-6 xl:grid-cols-3">
        <Card className="xl:col-span-2">
          <CardHeader title="Health" />
          <dl className="grid grid-cols-2 gap-4 px-5 py-4 text-sm md:grid-cols-4">
            <div>
              <dt className="text-slate-500">Last successful sign-in</dt>
              <dd className="font-medium">{health.lastSuccessAt ? formatDateTime(health.lastSuccessAt) : "Never"}</dd>
            </div>
            <div>
              <dt className="text-slate-500">Failures (24 h)</dt>
              <dd className={health.failures24h ? "font-semibold text-red-700" : "font-medium"} data-testid="health-failures">
                {health.failures24h}
              </dd>
              {health.unsignedRefused24h > 0 && (
                <dd className="mt-1 text-xs text-slate-600" data-testid="health-unsigned">
                  {unsignedRefusedText(health.unsignedRefused24h)}{" "}
                  <span className="block">(not signed by the IdP: not counted as failures)</span>
                </dd>
              )}
            </div>
            <div>
              <dt className="text-slate-500">IdP certificate expiry</dt>
              <dd className={health.certExpiringSoon ? "font-semibold text-amber-800" : "font-medium"}>
                {health.certExpiresAt
                  ? `${formatDate(health.certExpiresAt)}${health.certExpiringSoon ? ` (${health.certDaysLeft! < 0 ? "expired" : `${health.certDaysLeft} days`})` : ""}`
                  : "—"}
              </dd>
            </div>
            <div>
              <dt className="text-slate-500">Routed domains</dt>
              <dd className="font-medium">
                {health.routedDomains.length ? (
                  health.routedDomains.join(", ")
                ) : (
                  <Link href={`/w/${slug}/settings/domains`} className="text-brand-700 underline">
                    Route a domain
                  </Link>
                )}
              </dd>
            </div>
          </dl>
        </Card>
        <Card>
          <CardHeader title="Status" />
          <div className="space-y-3 px-5 py-4">
            <p className="flex flex-wrap items-center gap-2 text-sm" data-testid="connection-status">
              <ConnectionStatusBadge status={health.status} /> <span className="text-slate-700">{STATUS_HELP[health.status]}</span>
            </p>
            {isAdmin && <ActiveSwitch workspace={slug} connectionId={c.id} version={c.version} active={c.active} status={health.status} />}
          </div>
        </Card>
      </div>

      {isAdmin && (
        <Card className="mt-6">
          <CardHeader title="Test sign-in" />
          <div className="px-5 py-4">
            <QueryProvider>
              <TestSignInPanel
                workspace={slug}
                connectionId={c.id}
                slug={c.slug}
                configured={configured}
                lastTest={lastTest ? toEventView(lastTest) : null}
              />
            </QueryProvider>
          </div>
        </Card>
      )}

      <Card className="mt-6">
        <CardHeader
          title={`Values registered in ${idp.displayName}`}
          description="Service provider (Gatehouse) values for this connection."
        />
        <div className="px-5 py-4">
          <SpValuesPanel idpType={c.idpType} values={sp} compact />
        </div>
      </Card>

      <Card className="mt-6">
        <CardHeader
          title="Identity provider"
          description={
            c.metadataSource
              ? `${SOURCE_LABEL[c.metadataSource]}${c.metadataSource === "url" ? ` · last refreshed ${formatDateTime(c.metadataFetchedAt)}` : ""}`
              : "Not configured yet"
          }
          actions={isAdmin && c.metadataSource === "url" ? <RefreshMetadataButton workspace={slug} connectionId={c.id} /> : undefined}
        />
        <div className="space-y-4 px-5 py-4 text-sm">
          <TrustApproval
            workspace={slug}
            connectionId={c.id}
            approved={trust.approved}
            summary={trustSummary(trust)}
            canApprove={isOwner}
          />
          {c.metadataError && (
            <p role="alert" className="rounded-md bg-amber-50 px-3 py-2 text-amber-900">
              The last refresh failed; the last good metadata is still used. <span className="font-mono text-xs">{c.metadataError}</span>
            </p>
          )}
          {configured ? (
            <dl className="grid grid-cols-1 gap-x-4 gap-y-2 md:grid-cols-[12rem_1fr]">
              {c.metadataUrl && (
                <>
                  <dt className="text-slate-500">Metadata URL</dt>
                  <dd className="break-all font-mono text-xs">{c.metadataUrl}</dd>
                </>
              )}
              <dt className="text-slate-500">IdP entity ID</dt>
              <dd className="break-all font-mono text-xs">{c.idpEntityId}</dd>
              <dt className="text-slate-500">SSO URL</dt>
              <dd className="break-all font-mono text-xs">{c.idpSsoUrlRedirect ?? c.idpSsoUrlPost}</dd>
              <dt className="text-slate-500">Single logout URL</dt>
              <dd className="flex items-center gap-2 text-xs">
                {c.idpSloUrl ? (
                  <>
                    <span className="break-all font-mono">{c.idpSloUrl}</span>
                    <CopyButton value={c.idpSloUrl} label="Copy the IdP single logout URL" />
                  </>
                ) : (
                  <span className="text-slate-600">None: signing out ends the Gatehouse session only.</span>
                )}
              </dd>
              {c.idpCertificates.map((cert, i) => (
                <div key={cert.fingerprintSha256} className="contents">
                  <dt className="text-slate-500">Signing certificate {c.idpCertificates.length > 1 ? i + 1 : ""}</dt>
                  <dd className="text-xs">
                    <span className="break-all font-mono">{cert.subject}</span> · expires {formatDate(cert.notAfter)}
                  </dd>
                </div>
              ))}
            </dl>
          ) : (
            <p className="text-slate-600">Add the IdP metadata so users can sign in.</p>
          )}
          {isAdmin && !isOwner && (
            <p className="text-slate-600">Only owners can replace the IdP metadata: it decides who can sign in to this workspace.</p>
          )}
          {isOwner && (
            <details className="rounded-md border border-slate-200 px-4 py-3" open={!configured}>
              <summary className="cursor-pointer font-medium text-slate-800">
                {configured ? "Replace the IdP metadata" : "Add the IdP metadata"}
              </summary>
              <div className="mt-4">
                <QueryProvider>
                  <MetadataForm workspace={slug} connectionId={c.id} version={c.version} idpType={c.idpType} />
                </QueryProvider>
              </div>
            </details>
          )}
        </div>
      </Card>

      <Card className="mt-6">
        <div id="single-logout" className="scroll-mt-20">
          <CardHeader
            title="Single logout"
            description="Signing out of Gatehouse also signs the person out at the IdP, and the IdP's sign-out ends their Gatehouse sessions."
          />
        </div>
        <div className="space-y-4 px-5 py-4 text-sm">
          <ValueField
            id="sp-slo-url"
            label="SP single logout URL"
            value={sp.sloUrl}
            caption={`Register it in ${idp.displayName}${idp.slo.label ? ` as “${idp.slo.label}”` : ""} (HTTP-Redirect and HTTP-POST).${idp.slo.supported ? "" : ` ${idp.slo.instructions[0]}`}`}
          />
          {isOwner ? (
            <SloSettingsForm workspace={slug} connectionId={c.id} version={c.version} idpSloUrl={c.idpSloUrl} />
          ) : (
            <p className="text-slate-600">Only owners can change the IdP single logout URL.</p>
          )}
        </div>
      </Card>

      {isAdmin && (
        <>
          <Card className="mt-6">
            <CardHeader title="Sign-in and provisioning" />
            <div className="px-5 py-5">
              <SettingsForm
                workspace={slug}
                connectionId={c.id}
                version={c.version}
                canEditTrust={isOwner}
                initial={{
                  name: c.name,
                  defaultRole: c.defaultRole === "owner" ? "admin" : c.defaultRole,
                  allowIdpInitiated: c.allowIdpInitiated,
                  defaultRedirect: c.defaultRedirect,
                  jitProvisioning: c.jitProvisioning,
                  applyMappingEveryLogin: c.applyMappingEveryLogin,
                  syncProfileEveryLogin: c.syncProfileEveryLogin,
                  allowAccountLinking: c.allowAccountLinking,
                  requireVerifiedDomains: c.requireVerifiedDomains,
                }}
              />
            </div>
          </Card>
          <Card className="mt-6">
            <div id="role-mapping" className="scroll-mt-20">
              <CardHeader title="Role mapping" description="Map IdP groups (or a role attribute) to Gatehouse roles." />
            </div>
            <div className="px-5 py-5">
              {isOwner ? (
                <RoleMappingEditor
                  workspace={slug}
                  connectionId={c.id}
                  version={c.version}
                  rules={rules.map((r) => ({ attribute: r.attribute, value: r.value, role: r.role as MappableRole }))}
                  groupsAttribute={idp.defaultGroupsAttribute}
                  defaultRole={c.defaultRole}
                  idpName={idp.displayName}
                />
              ) : (
                <div className="space-y-3 text-sm">
                  <p className="text-slate-600">Only owners change the role mapping: it decides who becomes admin.</p>
                  {rules.length ? (
                    <ul className="list-disc pl-5">
                      {rules.map((r) => (
                        <li key={r.id}>
                          <span className="font-mono text-xs">
                            {r.attribute} = {r.value}
                          </span>{" "}
                          → {r.role}
                        </li>
                      ))}
                    </ul>
                  ) : (
                    <p>No rules: new members get the default role ({c.defaultRole}).</p>
                  )}
                </div>
              )}
            </div>
          </Card>
          <Card className="mt-6">
            <CardHeader
              title="SP signing key"
              description="Signs the sign-in requests Gatehouse sends to the IdP. Rotate it without an outage in three steps."
            />
            <div className="px-5 py-5">
              <SpKeyRotation
                workspace={slug}
                connectionId={c.id}
                certificateUrl={sp.certificateUrl!}
                keys={keys.map((k) => ({
                  id: k.id,
                  state: k.state,
                  notAfter: k.notAfter.toISOString(),
                  createdAt: k.createdAt.toISOString(),
                  activatedAt: k.activatedAt?.toISOString() ?? null,
                  retiredAt: k.retiredAt?.toISOString() ?? null,
                }))}
              />
            </div>
          </Card>
          <Card className="mt-6">
            <div id="encryption" className="scroll-mt-20">
              <CardHeader
                title="Encrypted assertions"
                description="The IdP encrypts the assertion to Gatehouse's encryption certificate (separate from the signing key), so only Gatehouse can read it."
              />
            </div>
            <div className="px-5 py-5">
              <EncryptedAssertions
                workspace={slug}
                connectionId={c.id}
                version={c.version}
                required={c.requireEncryptedAssertions}
                canEdit={isOwner}
                certificateUrl={`${base}/encryption-certificate`}
                idpGuidance={idp.encryption}
                keys={encryptionKeys.map((k) => ({
                  id: k.id,
                  state: k.state,
                  certificatePem: k.certificatePem,
                  notAfter: k.notAfter.toISOString(),
                  createdAt: k.createdAt.toISOString(),
                  retiredAt: k.retiredAt?.toISOString() ?? null,
                }))}
              />
            </div>
          </Card>
        </>
      )}

      <Card className="mt-6">
        <div id="events" className="scroll-mt-20">
          <CardHeader title="Sign-in attempts" description="The 25 most recent attempts through this connection, tests included." />
        </div>
        <EventLog events={events.items.map(toEventView)} base={base} outcome={outcome} />
      </Card>

      {isAdmin && (
        <Card className="mt-6 ring-red-200">
          <CardHeader title="Delete connection" />
          <div className="px-5 py-4">
            <DeleteConnection workspace={slug} connectionId={c.id} slug={c.slug} name={c.name} />
          </div>
        </Card>
      )}
    </>
  );
}
