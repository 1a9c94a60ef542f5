import { notFound } from "next/navigation";
import { Button } from "@/components/ui/button";
import { getReadyDb } from "@/server/bootstrap";
import { findConnectionBySlug } from "@/lib/services/connections";
import { devIdpEnabled } from "@/lib/services/dev-idp-store";
import { DevIdpFrame, DevIdpUserFields } from "../../user-fields";

export const dynamic = "force-dynamic";
export const metadata = { title: "Built-in IdP: sign in" };

/** The built-in IdP's sign-in page for an SP-initiated request (verified by /dev/idp/sso). */
export default async function DevIdpChoosePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  if (!devIdpEnabled()) notFound();
  const q = await searchParams;
  const one = (k: string) => (typeof q[k] === "string" ? (q[k] as string) : "");
  const found = await findConnectionBySlug(await getReadyDb(), one("slug"));
  if (!found || !one("request_id")) notFound();
  return (
    <DevIdpFrame
      title="Sign in as…"
      description={
        <>
          <span className="font-medium text-slate-800">{found.workspace.name}</span> asks to sign you in through the connection{" "}
          <span className="font-medium text-slate-800">{found.connection.name}</span>. Pick who you are; the IdP signs the response.
        </>
      }
    >
      <form method="post" action="/dev/idp/respond" className="space-y-6">
        <DevIdpUserFields />
        <Button type="submit" className="w-full">
          Sign in
        </Button>
        {/* Last, so the form's vertical spacing starts at the first visible field. */}
        <input type="hidden" name="slug" value={found.connection.slug} />
        <input type="hidden" name="request_id" value={one("request_id")} />
        <input type="hidden" name="relay_state" value={one("relay_state")} />
      </form>
    </DevIdpFrame>
  );
}
