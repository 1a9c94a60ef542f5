import { Card, EmptyState } from "@/components/ui/card";

export function AdminOnly({ what }: { what: string }) {
  return (
    <Card>
      <EmptyState icon="!" title="Admins only" description={`Only workspace owners and admins can ${what}. Ask one of them for access.`} />
    </Card>
  );
}

/** Shown to admins where only owners may act (who an IdP may sign in, and with which role). */
export function OwnersOnly({ what }: { what: string }) {
  return (
    <Card>
      <EmptyState
        icon="!"
        title="Owners only"
        description={`Only workspace owners can ${what}: it decides who can sign in to this workspace, and as whom. Ask an owner.`}
      />
    </Card>
  );
}
