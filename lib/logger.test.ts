import { afterEach, describe, expect, it, vi } from "vitest";
import { logger } from "./logger";

describe("logger", () => {
  afterEach(() => vi.restoreAllMocks());

  it("logs an error's cause (drizzle wraps the driver's error, whose code says what failed) and redacts secret fields", () => {
    const lines: string[] = [];
    vi.spyOn(console, "error").mockImplementation((l: string) => void lines.push(l));
    const driver = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
    logger.warn("ACS: database unavailable", { err: new Error("Failed query: select 1", { cause: driver }), token: "t0p" });
    const line = JSON.parse(lines[0]!) as { err: { message: string; cause: { code: string } }; token: string };
    expect(line.err.message).toBe("Failed query: select 1");
    expect(line.err.cause.code).toBe("ECONNREFUSED");
    expect(line.token).toBe("[redacted]");
  });
});

describe("logger: a failed query's parameters", () => {
  afterEach(() => vi.restoreAllMocks());

  it("keeps the statement and the driver's code, never the parameters (message or stack)", async () => {
    const { DrizzleQueryError } = await import("drizzle-orm/errors");
    const { loggableStack } = await import("./logger");
    const lines: string[] = [];
    vi.spyOn(console, "error").mockImplementation((l: string) => void lines.push(l));
    const driver = Object.assign(new Error("duplicate key value violates unique constraint"), { code: "23505" });
    const e = new DrizzleQueryError("insert into api_keys (hash) values ($1)", ["gh_live_s3cr3t"], driver);
    logger.error("api unhandled error", { error: e, stack: loggableStack(e) });
    expect(lines[0]).not.toContain("s3cr3t");
    const line = JSON.parse(lines[0]!) as { error: { message: string; cause: { code: string } }; stack: string };
    expect(line.error.message).toBe("Failed query: insert into api_keys (hash) values ($1)\nparams: [redacted]");
    expect(line.error.cause.code).toBe("23505");
    expect(line.stack).toMatch(/^Error: Failed query: insert into api_keys \(hash\) values \(\$1\)\nparams: \[redacted\]\n\s+at /);
  });
});
