import type { ClientBase } from 'pg';

/** One node of a Postgres plan, as `EXPLAIN (FORMAT JSON)` gives it (the fields tests read). */
export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

/**
 * Every node of the plan Postgres chooses for a statement (not run), depth first: for tests
 * that a statement reads a table through an index, whatever its statistics say.
 */
export async function planNodes(
  client: ClientBase,
  text: string,
  values: unknown[] = [],
): Promise<PlanNode[]> {
  const { rows } = await client.query<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(
    `EXPLAIN (FORMAT JSON) ${text}`,
    values,
  );
  const flatten = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(flatten)];
  return flatten(rows[0]['QUERY PLAN'][0].Plan);
}
