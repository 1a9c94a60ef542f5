export * from "./schema/enums";
export * from "./schema/users";
export * from "./schema/workspaces";
export * from "./schema/connections";
export * from "./schema/domains";
export * from "./schema/members";
export * from "./schema/api-keys";
export * from "./schema/jobs";
