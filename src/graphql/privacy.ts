// What the schema tells strangers. Introspection is off in production unless configured (the
// field-suggestion half is in errors.ts: "Did you mean" hints are dropped under the same setting).
import { NoSchemaIntrospectionCustomRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';

export function useIntrospectionSetting({ introspection }: { introspection: boolean }): Plugin {
  return {
    onValidate({ addValidationRule }) {
      if (!introspection) addValidationRule(NoSchemaIntrospectionCustomRule);
    },
  };
}
