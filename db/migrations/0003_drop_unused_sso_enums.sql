DROP TYPE "public"."sso_flow";--> statement-breakpoint
DROP TYPE "public"."sso_outcome";