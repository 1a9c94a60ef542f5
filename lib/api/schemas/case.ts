import { z } from "zod";

const camelToSnake = (k: string) => k.replace(/[A-Z]/g, (ch) => `_${ch.toLowerCase()}`);

/** Rename camelCase keys of plain objects (recursively) to snake_case, unless the snake_case key is also given. */
export function snakeCaseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeCaseKeys);
  if (!value || typeof value !== "object" || Object.getPrototypeOf(value) !== Object.prototype) return value;
  const src = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(src)) {
    const snake = camelToSnake(k);
    if (snake !== k && snake in src) continue;
    out[snake] = snakeCaseKeys(v);
  }
  return out;
}

/**
 * The API is snake_case; scripts that send camelCase (as the console's services name fields) are
 * accepted too. The OpenAPI document shows the snake_case schema.
 */
export function acceptCamelCase<S extends z.ZodType>(schema: S) {
  return z.preprocess(snakeCaseKeys, schema);
}
