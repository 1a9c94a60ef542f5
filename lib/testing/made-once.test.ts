import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { madeOnce } from "./made-once";

describe("madeOnce", () => {
  it("builds once, then finds it; a failed build leaves nothing behind", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "gh-made-once-"));
    const target = path.join(dir, "pool.json");
    let builds = 0;
    const build = async (tmp: string) => {
      builds++;
      writeFileSync(tmp, "[1]");
    };
    expect(await madeOnce(target, build)).toBe(target);
    expect(await madeOnce(target, build)).toBe(target);
    expect(builds).toBe(1);
    expect(readFileSync(target, "utf8")).toBe("[1]");
    const failing = async (tmp: string) => {
      writeFileSync(tmp, "half");
      throw new Error("no");
    };
    await expect(madeOnce(path.join(dir, "broken"), failing)).rejects.toThrow("no");
    expect(readdirSync(dir)).toEqual(["pool.json"]);
  });

  it("a directory another run made first wins: this run's copy is dropped, no error", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "gh-made-once-"));
    const target = path.join(dir, "template");
    const result = await madeOnce(target, async (tmp) => {
      mkdirSync(tmp);
      writeFileSync(path.join(tmp, "mine"), "x");
      mkdirSync(target); // the other run finishes first
      writeFileSync(path.join(target, "theirs"), "y");
    });
    expect(result).toBe(target);
    expect(readdirSync(target)).toEqual(["theirs"]);
    expect(existsSync(`${target}.${process.pid}`)).toBe(false);
  });
});
