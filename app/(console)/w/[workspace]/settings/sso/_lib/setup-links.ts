import type { SetupLinkCompletionView } from "@/components/setup-links/completed-banner";
import type { SetupLinkView } from "@/components/setup-links/types";
import type { WorkspaceContext } from "@/lib/auth/session";
import { isTrustApprovedByCurrentOwner } from "@/lib/services/connection-trust";
import { listRecentSetupLinkCompletions, listSetupLinks } from "@/lib/services/setup-links";

/** The SSO page's setup-link data for owners: the list (card) and recent completions (banner). */
export async function loadSetupLinks(
  db: WorkspaceContext["db"],
  workspaceId: string,
): Promise<{ links: SetupLinkView[]; completions: SetupLinkCompletionView[] }> {
  const [links, completions] = await Promise.all([listSetupLinks(db, workspaceId), listRecentSetupLinkCompletions(db, workspaceId)]);
  return {
    links: links.map((l) => ({
      id: l.id,
      name: l.name,
      purpose: l.purpose,
      status: l.status,
      expiresAt: l.expiresAt.toISOString(),
      completedAt: l.completedAt?.toISOString() ?? null,
      lastUsedAt: l.lastUsedAt?.toISOString() ?? null,
      createdAt: l.createdAt.toISOString(),
    })),
    completions: await Promise.all(
      completions.map(async (c) => ({
        id: c.link.id,
        name: c.link.name,
        completedAt: c.link.completedAt!.toISOString(),
        connections: await Promise.all(
          c.connections.map(async (x) => ({
            id: x.id,
            name: x.name,
            active: x.active,
            approved: await isTrustApprovedByCurrentOwner(db, { workspaceId, ...x }),
          })),
        ),
      })),
    ),
  };
}
