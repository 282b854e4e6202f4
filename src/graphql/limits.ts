// Every document is bounded and priced before anything runs:
//  - while validating (document only, cached with it): aliases and root fields per operation;
//  - before executing (with the variables): the operation's cost, depth and breadth from Pothos'
//    complexity plugin, whose field pricing also enforces the input bounds (graphql/input-bounds.ts),
//    then the caller's rate budget is charged that cost;
//  - every executed response carries `extensions.cost: { requested, limit }`.
// Hand-written rather than graphql-armor: armor's rejections reach the client as HTTP 200 without
// a code unless each plugin is rewired to report them, it has no root-field limit, and its cost and
// depth limits cannot see page sizes given in variables (Pothos' complexity plugin does).
import { PothosValidationError } from '@pothos/core';
import { complexityFromQuery, ComplexityErrorKind, type ComplexityResult } from '@pothos/plugin-complexity';
import {
  GraphQLError,
  Kind,
  getOperationAST,
  type DocumentNode,
  type ExecutionResult,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValidationRule,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { RateLimiter } from '../auth/rate-limit.js';
import type { Config, QueryLimits } from '../config.js';
import { complexityError } from './complexity.js';
import type { GraphQLContext } from './context.js';
import { badInput } from './input-bounds.js';
import { spendBudget } from './rate-budget.js';

const tooComplex = (message: string) => new GraphQLError(message, { extensions: { code: 'QUERY_TOO_COMPLEX', http: { status: 400 } } });

/** Refuses operations with more than `aliases` aliases (fragments counted where spread) or `rootFields` root fields. */
export function documentShapeRule(limits: Pick<QueryLimits, 'aliases' | 'rootFields'>): ValidationRule {
  return (context) => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of context.getDocument().definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    // Per fragment, counted once however often it is spread; a cycle (refused by another rule) counts 0.
    const fragmentAliases = new Map<string, number>();
    const aliasesIn = (set: SelectionSetNode): number => {
      let count = 0;
      for (const selection of set.selections) {
        if (selection.kind === Kind.FIELD) {
          if (selection.alias) count += 1;
          if (selection.selectionSet) count += aliasesIn(selection.selectionSet);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          count += aliasesIn(selection.selectionSet);
        } else {
          const name = selection.name.value;
          if (!fragmentAliases.has(name)) {
            fragmentAliases.set(name, 0);
            const fragment = fragments.get(name);
            fragmentAliases.set(name, fragment ? aliasesIn(fragment.selectionSet) : 0);
          }
          count += fragmentAliases.get(name)!;
        }
      }
      return count;
    };
    const rootFieldsIn = (set: SelectionSetNode, seen: Set<string>): number =>
      set.selections.reduce((count, selection) => {
        if (selection.kind === Kind.FIELD) return count + 1;
        if (selection.kind === Kind.INLINE_FRAGMENT) return count + rootFieldsIn(selection.selectionSet, seen);
        const fragment = fragments.get(selection.name.value);
        if (!fragment || seen.has(fragment.name.value)) return count;
        return count + rootFieldsIn(fragment.selectionSet, new Set([...seen, fragment.name.value]));
      }, 0);
    return {
      OperationDefinition(node) {
        const roots = rootFieldsIn(node.selectionSet, new Set());
        if (roots > limits.rootFields) {
          context.reportError(tooComplex(`Too many root fields: ${roots} in one operation; at most ${limits.rootFields}`));
        }
        const aliases = aliasesIn(node.selectionSet);
        if (aliases > limits.aliases) {
          context.reportError(tooComplex(`Too many aliases: ${aliases} in one operation; at most ${limits.aliases}`));
        }
      },
    };
  };
}

type Priced = { cost: ComplexityResult } | { error: GraphQLError } | null;

/**
 * The selected operation's cost, depth and breadth with its real variables, or the input-bound
 * error pricing ran into. Null when the operation cannot be priced (no such operation, variables
 * that do not coerce): execution refuses those itself before any resolver runs.
 */
function price(
  args: { schema: GraphQLSchema; document: DocumentNode; variableValues?: unknown; operationName?: string | null },
  context: GraphQLContext,
): Priced {
  const operation = getOperationAST(args.document, args.operationName);
  if (!operation) return null;
  const fragments = args.document.definitions.filter((def) => def.kind === Kind.FRAGMENT_DEFINITION);
  try {
    const cost = complexityFromQuery(
      { kind: Kind.DOCUMENT, definitions: [operation, ...fragments] },
      { schema: args.schema, variables: (args.variableValues ?? {}) as Record<string, unknown>, ctx: context },
    );
    return { cost };
  } catch (error) {
    // Our bounds carry a code. Pothos' argument errors (a malformed global id, say) would otherwise
    // fail only in their own field while the other root fields ran unpriced: the whole request is
    // refused. graphql-js' variable errors execution refuses itself, before any resolver runs.
    if (error instanceof GraphQLError && error.extensions.code) return { error };
    if (error instanceof PothosValidationError) return { error: badInput(error.message) };
    if (error instanceof GraphQLError) return null;
    throw error;
  }
}

/** The first limit `cost` exceeds, as the error a client gets. */
function overLimit(cost: ComplexityResult, limits: QueryLimits): GraphQLError | null {
  const measured = { ...cost, maxComplexity: limits.cost, maxDepth: limits.depth, maxBreadth: limits.breadth };
  if (cost.depth > limits.depth) return complexityError(ComplexityErrorKind.Depth, measured);
  if (cost.breadth > limits.breadth) return complexityError(ComplexityErrorKind.Breadth, measured);
  if (cost.complexity > limits.cost) return complexityError(ComplexityErrorKind.Complexity, measured);
  return null;
}

const withCost = <T extends ExecutionResult>(result: T, cost: ComplexityResult, limits: QueryLimits): T => ({
  ...result,
  extensions: { ...result.extensions, cost: { requested: cost.complexity, limit: limits.cost } },
});

/** The yoga plugin: shape rules at validation, then price, limit and budget before execution. */
export function useQueryLimits({ config, limiter }: { config: Config; limiter: RateLimiter }): Plugin<GraphQLContext> {
  const limits = config.queryLimits;
  const shapeRule = documentShapeRule(limits);

  /** Null to go ahead (with the cost, when known), or the result that answers instead. */
  async function admit(args: Parameters<typeof price>[0], context: GraphQLContext) {
    const priced = price(args, context);
    if (!priced) return { cost: null, refusal: null };
    if ('error' in priced) return { cost: null, refusal: { errors: [priced.error] } };
    const refused = overLimit(priced.cost, limits) ?? (await spendBudget(limiter, config.rateBudget, context, priced.cost.complexity));
    return { cost: priced.cost, refusal: refused ? withCost({ errors: [refused] }, priced.cost, limits) : null };
  }

  return {
    onValidate({ addValidationRule }) {
      addValidationRule(shapeRule);
    },
    async onExecute({ args, setResultAndStopExecution }) {
      const { cost, refusal } = await admit(args, args.contextValue);
      if (refusal) return setResultAndStopExecution(refusal);
      if (!cost) return;
      return {
        onExecuteDone({ result, setResult }) {
          if (!(Symbol.asyncIterator in result)) setResult(withCost(result, cost, limits));
        },
      };
    },
    async onSubscribe({ args, setResultAndStopExecution }) {
      const { refusal } = await admit(args, args.contextValue);
      if (refusal) setResultAndStopExecution(refusal);
    },
  };
}
