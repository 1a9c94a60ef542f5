import { ScrollArea } from "@/components/ui/scroll-area";
import type { Metadata } from "next";
import Link from "next/link";
import { CreateApiKeyDialog } from "@/components/api-keys/create-api-key-dialog";
import { RevokeApiKeyButton } from "@/components/api-keys/revoke-api-key-button";
import { Badge } from "@/components/ui/badge";
import { Card, CardHeader, EmptyState, PageHeader } from "@/components/ui/card";
import { CopyField } from "@/components/ui/copy-field";
import { hasRole } from "@/lib/auth/roles";
import { requireWorkspaceRole } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { listApiKeys } from "@/lib/services/api-keys";

export const metadata: Metadata = { title: "API keys" };

function formatTime(d: Date | null): string {
  return d ? d.toISOString().slice(0, 16).replace("T", " ") : "Never";
}

export default async function ApiKeysPage({ params }: { params: Promise<{ workspace: string }> }) {
  const { workspace: slug } = await params;
  const { db, workspace, membership } = await requireWorkspaceRole(slug, "viewer");
  const canManage = hasRole(membership.role, "admin");
  const appUrl = env().appUrl;
  const referenceHref = `/w/${workspace.slug}/settings/api-keys/reference`;
  const keys = canManage ? await listApiKeys(db, workspace.id) : [];

  const intro = (
    <PageHeader
      title="API keys"
      description={`Keys let scripts manage SSO for ${workspace.name} through the REST API (/api/v1). A key sees only this workspace and can do at most what its creator can, now and later: removing or demoting the creator limits their keys at once.`}
      actions={
        <>
          <Link href={referenceHref} className="text-sm font-medium text-brand-700 hover:underline">
            API reference
          </Link>
          {canManage && <CreateApiKeyDialog workspace={workspace.slug} role={membership.role} />}
        </>
      }
    />
  );

  if (!canManage) {
    return (
      <>
        {intro}
        <Card>
          <EmptyState
            icon="!"
            title="Only owners and admins manage API keys"
            description={
              <>
                Ask a workspace owner or admin for a key. You can still read the{" "}
                <Link className="text-brand-700 underline" href={referenceHref}>
                  API reference
                </Link>
                .
              </>
            }
          />
        </Card>
      </>
    );
  }

  const live = keys.filter((k) => !k.revokedAt);
  const revoked = keys.filter((k) => k.revokedAt);

  return (
    <>
      {intro}
      <Card>
        {keys.length === 0 ? (
          <EmptyState
            title="No API keys yet"
            description="Use “Create API key” above to call the REST API from a script or CI. A key is shown once when created; only its hash is stored."
          />
        ) : (
          <ScrollArea label="API keys">
            <table className="min-w-full divide-y divide-slate-200 text-sm">
              <caption className="sr-only">API keys of {workspace.name}</caption>
              <thead>
                <tr className="text-left text-xs font-medium uppercase tracking-wide text-slate-500">
                  <th scope="col" className="px-5 py-3">
                    Name
                  </th>
                  <th scope="col" className="px-5 py-3">
                    Key
                  </th>
                  <th scope="col" className="px-4 py-3">
                    Role · scope
                  </th>
                  <th scope="col" className="px-4 py-3">
                    Created by
                  </th>
                  <th scope="col" className="px-4 py-3">
                    Created (UTC)
                  </th>
                  <th scope="col" className="px-4 py-3">
                    Last used (UTC)
                  </th>
                  <th scope="col" className="px-5 py-3">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {[...live, ...revoked].map((k) => (
                  <tr key={k.id} className={k.revokedAt ? "text-slate-500" : undefined}>
                    <td className="px-5 py-3 font-medium text-slate-900">{k.name}</td>
                    <td className="px-5 py-3 font-mono text-xs">{k.prefix}…</td>
                    <td className="whitespace-nowrap px-4 py-3">
                      <span className="capitalize">{k.role}</span> · {k.scope === "read_only" ? "Read only" : "Read and write"}
                    </td>
                    <td className="px-4 py-3 [overflow-wrap:anywhere]">{k.createdBy?.email ?? "CLI (operator)"}</td>
                    <td className="whitespace-nowrap px-4 py-3 text-slate-500">{formatTime(k.createdAt)}</td>
                    <td className="whitespace-nowrap px-4 py-3 text-slate-500">{formatTime(k.lastUsedAt)}</td>
                    <td className="px-5 py-3 text-right">
                      {k.revokedAt ? (
                        <Badge tone="red">Revoked {formatTime(k.revokedAt)}</Badge>
                      ) : (
                        <RevokeApiKeyButton workspace={workspace.slug} id={k.id} name={k.name} prefix={k.prefix} />
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollArea>
        )}
      </Card>

      <Card className="mt-6">
        <CardHeader
          title="Using the API"
          description="Every request sends the key as a Bearer token. Responses are JSON: { data, meta }."
        />
        <div className="space-y-4 px-5 py-4">
          <CopyField label="Base URL" value={`${appUrl}/api/v1`} id="api-base-url" />
          <CopyField label="OpenAPI document" value={`${appUrl}/api/v1/openapi.json`} id="api-openapi-url" />
          <pre className="overflow-x-auto rounded-md bg-slate-900 p-3 text-xs text-slate-100">
            {`curl -H "Authorization: Bearer gh_live_…" ${appUrl}/api/v1/connections`}
          </pre>
          <p className="text-sm text-slate-600">
            Read the{" "}
            <Link className="text-brand-700 underline" href={referenceHref}>
              API reference
            </Link>{" "}
            for every endpoint, its fields and errors. Keys can also be created with{" "}
            <code className="rounded bg-slate-100 px-1">
              npm run gatehouse -- api-keys:create --workspace {workspace.slug} --name NAME --json
            </code>
            .
          </p>
        </div>
      </Card>
    </>
  );
}
