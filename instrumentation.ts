/** Runs once when the server starts: migrations under an advisory lock, then the dev demo seed. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { getReadyDb } = await import("@/lib/server/bootstrap");
  await getReadyDb();
}
