// What a query may cost. A connection costs its page size times what each node costs, so
// `projects(first: 100) { issues(first: 100) { … } }` is priced as the 10,000 issues it can return.
import { GraphQLError, getNamedType, getNullableType, isListType, type GraphQLOutputType } from 'graphql';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './paging.js';

export const QUERY_LIMITS = { complexity: 25_000, depth: 15, breadth: 300 };

type Cost = number | { field: number; multiplier: number };

export function fieldComplexity(args: Record<string, unknown>, _context: unknown, field: { name: string; type: GraphQLOutputType }): Cost {
  const typeName = getNamedType(field.type).name;
  if (typeName.endsWith('Connection')) {
    const size = Number(args.first ?? args.last ?? DEFAULT_PAGE_SIZE);
    return { field: 1, multiplier: Math.min(Math.max(size, 0), MAX_PAGE_SIZE) };
  }
  // A connection's edges are already priced by its page size.
  if (field.name === 'edges' || field.name === 'nodes') {
    const ids = args.ids;
    return { field: 1, multiplier: Array.isArray(ids) ? ids.length : 1 };
  }
  if (isListType(getNullableType(field.type))) return { field: 1, multiplier: 10 };
  return 1;
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
