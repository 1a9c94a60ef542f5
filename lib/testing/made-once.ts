import { existsSync, renameSync, rmSync } from "node:fs";

/**
 * A file or directory test runs make once per machine and keep in the temp directory (the PGlite
 * templates, the RSA key pool): `build` writes it under a temporary name, which is renamed when
 * complete, so a crashed run never leaves half of one. Two runs making it at once: the first rename
 * wins and the other's copy is dropped.
 */
export async function madeOnce(target: string, build: (tmp: string) => Promise<void>): Promise<string> {
  if (existsSync(target)) return target;
  const tmp = `${target}.${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  try {
    await build(tmp);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  try {
    renameSync(tmp, target);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(target)) throw e;
  }
  return target;
}
