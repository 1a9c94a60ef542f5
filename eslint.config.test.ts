import path from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

/** The layering rules of eslint.config.mjs, run on snippets placed in each folder (not written to disk). */
const eslint = new ESLint({ cwd: import.meta.dirname });
async function ruleMessages(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(import.meta.dirname, file) });
  return result!.messages.filter((m) => m.ruleId?.includes("no-restricted")).map((m) => m.message);
}

describe("eslint import direction and schema placement", () => {
  it("components/ and app/: no z.object, no zod values, no database (types from zod are fine)", async () => {
    for (const file of ["components/x/form.tsx", "app/(console)/w/[workspace]/x/actions.ts"]) {
      expect(await ruleMessages(file, `import { z } from "zod";\nexport const s = z.object({ a: z.string() });\n`)).toHaveLength(2);
      expect(
        await ruleMessages(file, `import { db } from "@/db";\nimport { eq } from "drizzle-orm";\nexport const x = [db, eq];\n`),
      ).toHaveLength(2);
      expect(await ruleMessages(file, `import type { z } from "zod";\nexport type T = z.ZodType;\n`)).toEqual([]);
      expect(
        await ruleMessages(
          file,
          `import { connectionSettingsSchema } from "@/lib/schemas/connections";\nexport const s = connectionSettingsSchema;\n`,
        ),
      ).toEqual([]);
    }
  });

  it("lib/services, lib/saml and db never import server/, app/, next/* or components/", async () => {
    const outward = [
      `import { getReadyDb } from "@/server/bootstrap";`,
      `import { POST } from "@/app/api/v1/connections/route";`,
      `import { redirect } from "next/navigation";`,
      `import { Button } from "@/components/ui/button";`,
      `import { startServer } from "../../server/index";`,
    ];
    for (const file of ["lib/services/x.ts", "lib/services/x.db.test.ts", "lib/saml/x.ts", "db/x.ts"]) {
      for (const line of outward) expect(await ruleMessages(file, `${line}\nexport const x = 1;\n`), `${file}: ${line}`).toHaveLength(1);
      expect(await ruleMessages(file, `import { AppError } from "@/lib/errors";\nexport const x = AppError;\n`)).toEqual([]);
    }
  });

  it("lib/schemas is a leaf: nothing from services, db or the API layer", async () => {
    expect(
      await ruleMessages("lib/schemas/x.ts", `import type { DomainView } from "@/lib/services/domains";\nexport type T = DomainView;\n`),
    ).toHaveLength(1);
    expect(
      await ruleMessages("lib/schemas/x.ts", `import { connections } from "@/db/schema";\nexport const t = connections;\n`),
    ).toHaveLength(1);
  });
});
