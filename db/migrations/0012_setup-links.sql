CREATE TYPE "public"."setup_link_purpose" AS ENUM('sso', 'domains', 'directory');--> statement-breakpoint
CREATE TYPE "public"."setup_link_resource_type" AS ENUM('connection', 'directory');--> statement-breakpoint
CREATE TABLE "setup_link_resources" (
	"setup_link_id" uuid NOT NULL,
	"resource_type" "setup_link_resource_type" NOT NULL,
	"resource_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "setup_link_resources_setup_link_id_resource_type_resource_id_pk" PRIMARY KEY("setup_link_id","resource_type","resource_id")
);
--> statement-breakpoint
CREATE TABLE "setup_links" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"name" text NOT NULL,
	"purpose" "setup_link_purpose" NOT NULL,
	"token_hash" text NOT NULL,
	"created_by" uuid,
	"expires_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"last_used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "authn_requests" ADD COLUMN "setup_link_id" uuid;--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "actor_setup_link_id" uuid;--> statement-breakpoint
ALTER TABLE "setup_link_resources" ADD CONSTRAINT "setup_link_resources_setup_link_id_setup_links_id_fk" FOREIGN KEY ("setup_link_id") REFERENCES "public"."setup_links"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "setup_links" ADD CONSTRAINT "setup_links_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "setup_links" ADD CONSTRAINT "setup_links_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "setup_link_resources_resource_idx" ON "setup_link_resources" USING btree ("resource_id");--> statement-breakpoint
CREATE UNIQUE INDEX "setup_links_token_hash_key" ON "setup_links" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "setup_links_workspace_idx" ON "setup_links" USING btree ("workspace_id");