CREATE TABLE "logout_requests" (
	"id" text PRIMARY KEY NOT NULL,
	"connection_id" uuid NOT NULL,
	"sso_session_id" uuid,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sso_sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"connection_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"name_id" text NOT NULL,
	"name_id_format" text,
	"name_qualifier" text,
	"sp_name_qualifier" text,
	"session_index" text,
	"binding_hash" text,
	"claimed_at" timestamp with time zone,
	"expires_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone,
	"ended_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "logout_requests" ADD CONSTRAINT "logout_requests_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "logout_requests" ADD CONSTRAINT "logout_requests_sso_session_id_sso_sessions_id_fk" FOREIGN KEY ("sso_session_id") REFERENCES "public"."sso_sessions"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sso_sessions" ADD CONSTRAINT "sso_sessions_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sso_sessions" ADD CONSTRAINT "sso_sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "logout_requests_expires_idx" ON "logout_requests" USING btree ("expires_at");--> statement-breakpoint
CREATE UNIQUE INDEX "sso_sessions_binding_hash_key" ON "sso_sessions" USING btree ("binding_hash");--> statement-breakpoint
CREATE INDEX "sso_sessions_connection_name_id_idx" ON "sso_sessions" USING btree ("connection_id","name_id");--> statement-breakpoint
CREATE INDEX "sso_sessions_expires_idx" ON "sso_sessions" USING btree ("expires_at");