import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

const noDbInApp = {
  patterns: [
    {
      group: ["drizzle-orm", "drizzle-orm/*", "@/db", "@/db/*", "postgres", "@electric-sql/*"],
      message: "app/ renders and routes: go through lib/services.",
    },
    { group: ["@xmldom/*", "xml-crypto"], message: "app/ never touches XML: use lib/saml through lib/services." },
  ],
};

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
  { files: ["app/**/*.{ts,tsx}", "components/**/*.{ts,tsx}"], rules: { "no-restricted-imports": ["error", noDbInApp] } },
  {
    files: ["lib/saml/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@/db", "@/db/*", "next", "next/*", "@/lib/env", "@/lib/services/*", "drizzle-orm"],
              message: "lib/saml is pure protocol code: pass values in.",
            },
          ],
        },
      ],
    },
  },
];

export default config;
