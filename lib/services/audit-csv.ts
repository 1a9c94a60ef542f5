import type { Db } from "@/db";
import { csvRow } from "@/lib/http/csv";
import type { AuditFilter } from "@/lib/schemas/audit";
import { iterateAudit, type AuditItem } from "./audit";

export const AUDIT_CSV_HEADER = [
  "time_utc",
  "actor",
  "actor_type",
  "action",
  "target_type",
  "target_name",
  "target_id",
  "ip",
  "before",
  "after",
] as const;

function actorText(a: AuditItem["actor"]): string {
  if (a.kind === "user") return a.email ?? a.id;
  if (a.kind === "api_key") return a.name ?? a.id;
  return "system";
}

export function auditCsvLine(i: AuditItem): string {
  return csvRow([
    i.createdAt.toISOString(),
    actorText(i.actor),
    i.actor.kind,
    i.action,
    i.targetType,
    i.targetName,
    i.targetId,
    i.ip,
    i.before,
    i.after,
  ]);
}

/** The filtered audit log as CSV, streamed page by page (bounded memory whatever the log's size). */
export function auditCsvStream(db: Db, workspaceId: string, filter: AuditFilter): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const items = iterateAudit(db, workspaceId, filter);
  let headerSent = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(encoder.encode(csvRow([...AUDIT_CSV_HEADER])));
        return;
      }
      let chunk = "";
      for (let n = 0; n < 200; n++) {
        const next = await items.next();
        if (next.done) {
          if (chunk) controller.enqueue(encoder.encode(chunk));
          controller.close();
          return;
        }
        chunk += auditCsvLine(next.value);
      }
      controller.enqueue(encoder.encode(chunk));
    },
    async cancel() {
      await items.return(undefined);
    },
  });
}
