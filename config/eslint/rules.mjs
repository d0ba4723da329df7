// The project's lint rules, shared by the real config and the gate's broken fixture project
// (which proves the lint step fails on a planted defect).
import lwcRecommended from '@salesforce/eslint-config-lwc/recommended.js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/**
 * @param {string} tsconfigRootDir folder whose tsconfig files give the type information
 */
export function projectRules(tsconfigRootDir) {
  const typed = {
    parser: tseslint.parser,
    parserOptions: { projectService: true, tsconfigRootDir }
  };
  return tseslint.config(
    {
      // LWC platform rules on the TypeScript sources of components. The LWC config ships a
      // babel parser; the TypeScript parser is swapped in so type-aware rules work too.
      files: ['**/lwc/**/*.ts'],
      extends: [...lwcRecommended, ...tseslint.configs.recommendedTypeChecked],
      // The components' tsconfig is tsconfig.lwc.json at the root (one for every package
      // directory), which the project service (it looks for tsconfig.json) would not find.
      languageOptions: {
        parser: tseslint.parser,
        parserOptions: { project: ['./tsconfig.lwc.json', './tsconfig.json'], tsconfigRootDir },
        globals: { ...globals.browser }
      },
      rules: {
        '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
        // `void promise` is how a deliberately un-awaited promise is marked for no-floating-promises.
        'no-void': ['error', { allowAsStatement: true }]
      }
    },
    {
      files: ['**/lwc/**/__tests__/**/*.ts'],
      languageOptions: { globals: { ...globals.jest, ...globals.node } },
      rules: {
        '@typescript-eslint/unbound-method': 'off',
        // jest's asymmetric matchers (expect.any, expect.stringContaining) are typed `any`.
        '@typescript-eslint/no-unsafe-assignment': 'off',
        '@typescript-eslint/no-unsafe-argument': 'off',
        '@lwc/lwc/no-async-operation': 'off'
      }
    },
    {
      files: ['scripts/**/*.ts', '*.ts'],
      ignores: ['**/lwc/**'],
      extends: [...tseslint.configs.recommendedTypeChecked],
      languageOptions: { ...typed, globals: { ...globals.node } },
      rules: {
        '@typescript-eslint/no-explicit-any': 'error',
        '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }]
      }
    },
    {
      files: ['scripts/**/__tests__/**/*.ts'],
      languageOptions: { globals: { ...globals.jest } },
      rules: {
        '@typescript-eslint/unbound-method': 'off',
        // jest's asymmetric matchers (expect.any, expect.stringContaining) are typed `any`.
        '@typescript-eslint/no-unsafe-assignment': 'off',
        '@typescript-eslint/no-unsafe-argument': 'off'
      }
    }
  );
}
