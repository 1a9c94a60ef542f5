import { notFound } from "next/navigation";
import { Button } from "@/components/ui/button";
import { Field, Input, Select } from "@/components/ui/input";
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
      {all.length > 0 && (
        <form method="post" action="/dev/idp/logout" className="mt-8 space-y-4 border-t border-slate-200 pt-6">
          <h2 className="text-base font-semibold">Single logout</h2>
          <p className="text-sm text-slate-600">
            Send an IdP-initiated LogoutRequest, as when the person signs out at the IdP: every Gatehouse session this person started
            through the connection ends.
          </p>
          <Field id="logout-slug" label="Connection to sign out of">
            <Select id="logout-slug" name="slug" defaultValue={all[0]!.slug}>
              {all.map((c) => (
                <option key={c.slug} value={c.slug}>
                  {c.workspaceName} — {c.name} ({c.slug})
                </option>
              ))}
            </Select>
          </Field>
          <Field id="logout-email" label="Person to sign out (NameID)">
            <Input id="logout-email" name="email" type="email" required autoComplete="off" />
          </Field>
          <Button type="submit" variant="secondary" className="w-full">
            Sign out of the application
          </Button>
        </form>
      )}
    </DevIdpFrame>
  );
}
