CREATE TABLE "workspace_ip_allowlists" (
	"workspace_id" uuid PRIMARY KEY NOT NULL,
	"ranges" text[] DEFAULT '{}' NOT NULL,
	"exempt_break_glass_owners" boolean DEFAULT false NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "workspace_ip_allowlists" ADD CONSTRAINT "workspace_ip_allowlists_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workspace_ip_allowlists" ADD CONSTRAINT "workspace_ip_allowlists_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;