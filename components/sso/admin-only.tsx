import { Card, EmptyState } from "@/components/ui/card";

export function AdminOnly({ what }: { what: string }) {
  return (
    <Card>
      <EmptyState icon="!" title="Admins only" description={`Only workspace owners and admins can ${what}. Ask one of them for access.`} />
    </Card>
  );
}
