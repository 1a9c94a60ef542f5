ALTER TABLE "sso_events" ADD COLUMN "signature_verified" boolean DEFAULT false NOT NULL;--> statement-breakpoint
-- Every recorded success carried a valid signature; older failures are unknown and stay uncounted.
UPDATE "sso_events" SET "signature_verified" = true WHERE "outcome" = 'success';--> statement-breakpoint
-- Connection names become unique per workspace (case-insensitive): the oldest keeps its name, each
-- later duplicate gets its (globally unique) slug appended, e.g. "Okta (acme-okta-2)". Nothing else changes.
UPDATE "connections" AS c SET "name" = left(d."name", 100 - length(d."slug") - 3) || ' (' || d."slug" || ')'
FROM (
  SELECT "id", "name", "slug",
    row_number() OVER (PARTITION BY "workspace_id", lower("name") ORDER BY "created_at", "id") AS rn
  FROM "connections"
) AS d
WHERE c."id" = d."id" AND d.rn > 1;--> statement-breakpoint
CREATE UNIQUE INDEX "connections_workspace_name_key" ON "connections" USING btree ("workspace_id",lower("name"));
