import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

// ── Import direction (STYLE.md): app/ and server/ → services → (saml, db) → leaves (errors, env, schemas) ──
const outward = [
  {
    regex: "^(@/(server|app|components)(/|$)|next(/|$)|(\\.\\./)+(server|app|components)/)",
    message: "Imports point downwards: lib/services, lib/saml and db never import server/, app/, next/* or components/.",
  },
];
const db = {
  group: ["drizzle-orm", "drizzle-orm/*", "@/db", "@/db/*", "postgres", "@electric-sql/*"],
  message: "app/ and components/ render and route: go through lib/services.",
};
const xml = { group: ["@xmldom/*", "xml-crypto"], message: "app/ never touches XML: use lib/saml through lib/services." };
const zod = {
  regex: "^zod(/|$)",
  allowTypeImports: true,
  message:
    "One schema per operation, in lib/schemas: forms, actions and routes import it from there (lib/api/schemas for the REST API's form).",
};
const restrict = (...patterns) => ["error", { patterns }];
/** `z.object(...)` outside lib/: a restated schema. */
const noInlineSchemas = [
  "error",
  {
    selector: "CallExpression[callee.object.name='z'][callee.property.name=/^(object|strictObject|looseObject)$/]",
    message: "Schemas live in lib/schemas (one per operation); import the operation's schema.",
  },
];

const config = [
  {
    ignores: [
      ".next/**",
      ".next-*/**",
      "test-results*/**",
      "node_modules/**",
      ".data/**",
      "db/migrations/**",
      "test-results/**",
      "playwright-report/**",
      "e2e/artifacts/**",
      "next-env.d.ts",
      ".drizzle-check-*/**",
    ],
  },
  ...nextVitals,
  ...nextTs,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-explicit-any": "error",
    },
  },
  { files: ["e2e/**/*.ts"], rules: { "react-hooks/rules-of-hooks": "off" } },
  {
    files: ["app/**/*.{ts,tsx}", "components/**/*.{ts,tsx}"],
    ignores: ["**/*.test.ts"],
    rules: {
      "no-restricted-imports": "off",
      "@typescript-eslint/no-restricted-imports": restrict(db, xml, zod),
      "no-restricted-syntax": noInlineSchemas,
    },
  },
  {
    // Route tests sit beside their routes: they may seed rows directly, but still take schemas from lib/schemas.
    files: ["app/**/*.test.ts"],
    rules: { "no-restricted-syntax": noInlineSchemas },
  },
  { files: ["lib/services/**/*.ts", "db/**/*.ts"], rules: { "@typescript-eslint/no-restricted-imports": restrict(...outward) } },
  {
    files: ["lib/schemas/**/*.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": restrict(...outward, {
        group: ["@/lib/services/*", "@/db", "@/db/*", "drizzle-orm", "drizzle-orm/*", "@/lib/api/*"],
        message: "lib/schemas is a leaf (browser-safe): it imports nothing from services, db or the API layer.",
      }),
    },
  },
  {
    files: ["lib/saml/**/*.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": restrict(...outward, {
        group: ["@/db", "@/db/*", "@/lib/env", "@/lib/services/*", "drizzle-orm"],
        message: "lib/saml is pure protocol code: pass values in.",
      }),
    },
  },
];

export default config;
