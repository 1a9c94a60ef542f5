CREATE TABLE "sp_encryption_keys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"connection_id" uuid NOT NULL,
	"state" "sp_key_state" NOT NULL,
	"private_key_encrypted" text NOT NULL,
	"certificate_pem" text NOT NULL,
	"not_after" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"activated_at" timestamp with time zone,
	"retired_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "connections" ADD COLUMN "require_encrypted_assertions" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "sp_encryption_keys" ADD CONSTRAINT "sp_encryption_keys_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "sp_encryption_keys_one_active" ON "sp_encryption_keys" USING btree ("connection_id") WHERE state = 'active';--> statement-breakpoint
CREATE UNIQUE INDEX "sp_encryption_keys_one_next" ON "sp_encryption_keys" USING btree ("connection_id") WHERE state = 'next';--> statement-breakpoint
CREATE INDEX "sp_encryption_keys_connection_idx" ON "sp_encryption_keys" USING btree ("connection_id");