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
