import type { Metadata } from "next";
import Link from "next/link";
import { ApiReference, type OpenApiDoc } from "@/components/api-keys/api-reference";
import { PageHeader } from "@/components/ui/card";
import { buildOpenApiDocument } from "@/lib/api/openapi/document";
import { requireWorkspaceRole } from "@/lib/auth/session";
import { env } from "@/lib/env";

export const metadata: Metadata = { title: "API reference" };

/** The REST API reference, rendered from the same OpenAPI document as /api/v1/openapi.json. */
export default async function ApiReferencePage({ params }: { params: Promise<{ workspace: string }> }) {
  const { workspace: slug } = await params;
  const { workspace } = await requireWorkspaceRole(slug, "viewer");
  const doc = buildOpenApiDocument(env().appUrl) as unknown as OpenApiDoc;
  return (
    <>
      <PageHeader
        title="API reference"
        description={`${doc.info.title} ${doc.info.version}. Generated from the same schemas the API validates with.`}
        actions={
          <>
            <a href="/api/v1/openapi.json" className="text-sm font-medium text-brand-700 hover:underline">
              openapi.json
            </a>
            <Link href={`/w/${workspace.slug}/settings/api-keys`} className="text-sm font-medium text-brand-700 hover:underline">
              API keys
            </Link>
          </>
        }
      />
      <ApiReference doc={doc} />
    </>
  );
}
