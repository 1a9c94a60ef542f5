import { notFound } from "next/navigation";
import { Button } from "@/components/ui/button";
import { Field, Select } from "@/components/ui/input";
import { env } from "@/lib/env";
import { getReadyDb } from "@/server/bootstrap";
import { devIdpEnabled, devIdpUrls, listDevIdpConnections } from "@/lib/services/dev-idp-store";
import { DevIdpFrame, DevIdpUserFields } from "./user-fields";

export const dynamic = "force-dynamic";
export const metadata = { title: "Built-in IdP" };

/** IdP-initiated launcher: like clicking the app tile in Okta. */
export default async function DevIdpLauncherPage() {
  if (!devIdpEnabled()) notFound();
  const urls = devIdpUrls(env().appUrl);
  const all = await listDevIdpConnections(await getReadyDb());
  const choices = all.filter((c) => c.active && c.allowIdpInitiated);
  return (
    <DevIdpFrame
      title="Built-in IdP"
      description={
        <>
          Start an IdP-initiated sign-in, as if clicking the Gatehouse tile in your IdP&apos;s dashboard. Metadata:{" "}
          <a className="font-medium text-brand-600 hover:text-brand-700" href="/dev/idp/metadata">
            {urls.metadataUrl}
          </a>
        </>
      }
    >
      {choices.length === 0 ? (
        <p className="text-sm text-slate-600">
          No active connection to this IdP allows IdP-initiated sign-in. Create one in Settings → SSO with the metadata URL above and turn
          on “Allow IdP-initiated sign-in”.
        </p>
      ) : (
        <form method="post" action="/dev/idp/respond" className="space-y-6">
          <Field id="slug" label="Application (connection)">
            <Select id="slug" name="slug" defaultValue={choices[0]!.slug}>
              {choices.map((c) => (
                <option key={c.slug} value={c.slug}>
                  {c.workspaceName} — {c.name} ({c.slug})
                </option>
              ))}
            </Select>
          </Field>
          <DevIdpUserFields />
          <Button type="submit" className="w-full">
            Sign in to the application
          </Button>
        </form>
      )}
    </DevIdpFrame>
  );
}
