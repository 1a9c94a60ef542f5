CREATE TYPE "public"."api_key_scope" AS ENUM('read_only', 'read_write');--> statement-breakpoint
CREATE TYPE "public"."trust_approval_via" AS ENUM('owner', 'operator', 'api_key');--> statement-breakpoint
ALTER TABLE "api_keys" DROP CONSTRAINT "api_keys_created_by_users_id_fk";
--> statement-breakpoint
ALTER TABLE "login_tickets" ADD COLUMN "browser_binding_hash" text;--> statement-breakpoint
ALTER TABLE "login_tickets" ADD COLUMN "login_nonce_hash" text;--> statement-breakpoint
ALTER TABLE "authn_requests" ADD COLUMN "browser_nonce_hash" text;--> statement-breakpoint
ALTER TABLE "connections" ADD COLUMN "trust_approved_by" uuid;--> statement-breakpoint
ALTER TABLE "connections" ADD COLUMN "trust_approved_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "connections" ADD COLUMN "trust_approved_via" "trust_approval_via";--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "secrets_encrypted" text;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "role" "role" DEFAULT 'admin' NOT NULL;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "scope" "api_key_scope" DEFAULT 'read_write' NOT NULL;--> statement-breakpoint
ALTER TABLE "connections" ADD CONSTRAINT "connections_trust_approved_by_users_id_fk" FOREIGN KEY ("trust_approved_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "rate_limits_window_start_idx" ON "rate_limits" USING btree ("window_start");--> statement-breakpoint
CREATE INDEX "sso_events_created_idx" ON "sso_events" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "idempotency_keys_created_idx" ON "idempotency_keys" USING btree ("created_at");