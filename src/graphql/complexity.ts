// What a query may cost. A connection costs its page size times what each node costs, so
// `projects(first: 100) { issues(first: 100) { … } }` is priced as the 10,000 issues it can return;
// a filter adds its conditions, which PostgreSQL evaluates however small the page. The limits are
// checked once per request, before anything runs (graphql/limits.ts).
import { GraphQLError, getNamedType, getNullableType, isListType, type GraphQLOutputType } from 'graphql';
import type { GraphQLContext } from './context.js';
import { checkFilter, checkInputs, checkText } from './input-bounds.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './paging.js';

/** What each condition of a filter adds to its field's cost. */
export const FILTER_CONDITION_COST = 10;

type Cost = number | { field: number; multiplier: number };

/**
 * The cost of one selected field from its real arguments. Pricing walks every selected field with
 * its arguments before execution, so this is also where the arguments' bounds are enforced
 * (BAD_USER_INPUT naming the argument and the limit).
 */
export function fieldComplexity(
  args: Record<string, unknown>,
  context: Pick<GraphQLContext, 'config'>,
  field: { name: string; type: GraphQLOutputType },
): Cost {
  const limits = context.config.queryLimits;
  for (const [name, value] of Object.entries(args)) checkInputs(`${field.name}(${name}:)`, value, limits);
  if (field.name === 'searchIssues' && typeof args.query === 'string') checkText('searchIssues(query:)', args.query, limits);
  const filterCost = args.filter ? checkFilter(`${field.name}(filter:)`, args.filter, limits) * FILTER_CONDITION_COST : 0;
  const typeName = getNamedType(field.type).name;
  if (typeName.endsWith('Connection')) {
    const size = Number(args.first ?? args.last ?? DEFAULT_PAGE_SIZE);
    return { field: 1 + filterCost, multiplier: Math.min(Math.max(size, 0), MAX_PAGE_SIZE) };
  }
  // A connection's edges are already priced by its page size.
  if (field.name === 'edges' || field.name === 'nodes') {
    const ids = args.ids;
    return { field: 1, multiplier: Array.isArray(ids) ? ids.length : 1 };
  }
  if (isListType(getNullableType(field.type))) return { field: 1 + filterCost, multiplier: 10 };
  return 1 + filterCost;
}

type Measured = { complexity: number; depth: number; breadth: number; maxComplexity?: number; maxDepth?: number; maxBreadth?: number };

export function complexityError(kind: string, result: Measured): GraphQLError {
  const [what, value, max] =
    kind === 'Depth'
      ? ['deep', result.depth, result.maxDepth]
      : kind === 'Breadth'
        ? ['broad', result.breadth, result.maxBreadth]
        : ['costly', result.complexity, result.maxComplexity];
  return new GraphQLError(
    `Query too ${what}: ${kind.toLowerCase()} ${value} exceeds ${max ?? 'the limit'}. Ask for fewer items per page or fewer nested lists.`,
    { extensions: { code: 'QUERY_TOO_COMPLEX', http: { status: 400 } } },
  );
}
