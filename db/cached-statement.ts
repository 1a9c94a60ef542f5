import type { Db } from "./index";

/**
 * A select whose SQL text drizzle builds once, not on every call (issue 16: building a sign-in's two big
 * statements, the rate limits and the provisioning facts, cost ≈ 1 ms of CPU per sign-in).
 *
 * `build` makes the query with `sql.placeholder(name)` wherever a value varies, so the text is the same
 * for every call; each call binds `values` and runs it through the session of the database or
 * transaction given, exactly as drizzle runs its own prepared statements (drizzle's `.prepare()` binds
 * a statement to the session it was made on, which a transaction cannot use). Values are bound as
 * parameters, never spliced into the text. A query whose shape varies (a join or a condition present
 * or not) is one cached statement per shape.
 */
export function cachedSelect<Row>(build: (db: Db) => { execute: () => Promise<Row[]> }) {
  let shape: Shape | null = null;
  return (db: Db, values: Record<string, unknown>): Promise<Row[]> => {
    shape ??= shapeOf(build(db));
    const session = (db as unknown as { session: Session }).session;
    const q = session.prepareQuery({ sql: shape.sql, params: shape.params }, shape.fields, undefined, shape.arrayMode, shape.mapper);
    q.joinsNotNullableMap = shape.joins;
    return q.execute(values) as Promise<Row[]>;
  };
}

/** What drizzle's prepared query keeps (both drivers' prepared queries have these). */
type Prepared = {
  queryString: string;
  params: unknown[];
  fields: unknown;
  joinsNotNullableMap?: unknown;
  _isResponseInArrayMode?: boolean;
  customResultMapper?: unknown;
  execute: (values?: Record<string, unknown>) => Promise<unknown>;
};
type Session = {
  prepareQuery: (
    query: { sql: string; params: unknown[] },
    fields: unknown,
    name: undefined,
    arrayMode: boolean,
    mapper: unknown,
  ) => Prepared;
};
type Shape = { sql: string; params: unknown[]; fields: unknown; joins: unknown; arrayMode: boolean; mapper: unknown };

function shapeOf(builder: unknown): Shape {
  const p = (builder as { _prepare: () => Prepared })._prepare();
  return {
    sql: p.queryString,
    params: p.params,
    fields: p.fields,
    joins: p.joinsNotNullableMap,
    arrayMode: p._isResponseInArrayMode ?? true,
    mapper: p.customResultMapper,
  };
}
