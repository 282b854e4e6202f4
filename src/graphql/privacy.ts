// What the schema tells strangers. In production, unless configured, introspection is refused and
// graphql-js' "Did you mean …?" hints (field, type, argument and enum value names: the schema,
// piece by piece) are cut from error messages. Validation errors are cleaned here; errors raised
// while executing (variables that do not coerce) are cleaned by the masker (errors.ts).
import { GraphQLError, NoSchemaIntrospectionCustomRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';

const SUGGESTION = / ?Did you mean .*\?$/s;

/** `message` without graphql-js' suggestion of similar names. */
export const withoutSuggestions = (message: string): string => message.replace(SUGGESTION, '');

export function useSchemaPrivacy({ introspection }: { introspection: boolean }): Plugin {
  if (introspection) return {};
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(NoSchemaIntrospectionCustomRule);
      return ({ result, setResult }) => {
        // envelop types the validation result loosely; graphql-js' validate returns GraphQLErrors.
        const errors = result as readonly GraphQLError[];
        if (!errors.some((error) => SUGGESTION.test(error.message))) return;
        setResult(
          errors.map((error) =>
            SUGGESTION.test(error.message)
              ? new GraphQLError(withoutSuggestions(error.message), { nodes: error.nodes, extensions: error.extensions })
              : error,
          ),
        );
      };
    },
  };
}
