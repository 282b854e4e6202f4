// ESLint flat config: typescript-eslint's type-aware rules over everything tsconfig.json includes
// (src, test, scripts, prisma, bench, *.config.ts). Formatting is Prettier's job: eslint-config-prettier
// comes last and switches off every rule that would fight it.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Numbers, booleans and RegExps print fine in templates; nullish and `any` values (which print
// "undefined" or "[object Object]") stay errors.
const templateExpressions = { allowNumber: true, allowBoolean: true, allowRegExp: true, allowNullish: false, allowAny: false };

export default defineConfig(
  // src/generated is Prisma's output, examples/web-client/src/gql GraphQL Code Generator's; bench/peer is a
  // separate package (its own package.json and lock).
  globalIgnores(['dist/', 'src/generated/', 'examples/web-client/src/gql/', 'bench/peer/', 'bench/results/', '.data/']),
  js.configs.recommended,
  tseslint.configs.strictTypeChecked,
  tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', templateExpressions],
      // Off: shapes are `type X = {...}` and contracts/augmentations are interfaces (vitest's
      // ProvidedContext must be one); either single style would churn 100+ declarations for nothing.
      '@typescript-eslint/consistent-type-definitions': 'off',
      // Not in the presets; they hold the house style (`import type`, `== null` only) and cost nothing today.
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      eqeqeq: ['error', 'smart'],
      // `a || b` on strings deliberately treats '' as absent (headers, env vars); for numbers and objects `??` is required.
      '@typescript-eslint/prefer-nullish-coalescing': ['error', { ignorePrimitives: { string: true } }],
      // `_`-prefixed names and rest-sibling omission (`const { skip: _skip, ...rest } = x`) are intentional.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // `() => {}` is the idiom for "ignore this error/event" and for no-op default callbacks.
      '@typescript-eslint/no-empty-function': ['error', { allow: ['arrowFunctions'] }],
      // Off: with `noUncheckedIndexedAccess: false` index reads and regex groups are typed as always
      // present, so the rule calls necessary guards (`m[3] ?? m[4]`, `t?.close()` in afterAll) unnecessary.
      '@typescript-eslint/no-unnecessary-condition': 'off',
      // Off: `x!` is used where the code knows more than the types (spawned stdio, checked lookups);
      // a ban would mostly add `if (!x) throw` noise. Revisit if noUncheckedIndexedAccess is turned on.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Off: an `async` method without `await` is how a sync implementation fulfils an async interface,
      // and it turns throws into rejections, which callers rely on.
      '@typescript-eslint/require-await': 'off',
      // Off: pure style (`(x) => void f(x)` vs braces); compact arrow callbacks are the house style.
      '@typescript-eslint/no-confusing-void-expression': 'off',
      // Off: deleting computed keys (env vars, claims in tests) is legitimate here.
      '@typescript-eslint/no-dynamic-delete': 'off',
    },
  },
  {
    // The benchmark's normalisers walk three servers' untyped JSON replies through one deliberate `any`
    // (data() in operations.ts); typing each reply would add nothing the equality checks do not already catch.
    files: ['bench/operations.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/restrict-template-expressions': ['error', { ...templateExpressions, allowAny: true }],
    },
  },
  {
    // Plain .js/.mjs files are outside the TypeScript project (allowJs: false): lint them without types.
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  prettier,
);
