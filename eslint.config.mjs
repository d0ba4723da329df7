import { projectRules } from './config/eslint/rules.mjs';

export default [
  {
    ignores: [
      'node_modules/**',
      'coverage/**',
      'build/**',
      '.sf/**',
      '.sfdx/**',
      // The local org's state and caches (npm start).
      '.rinkel/**',
      'scripts/gate/__fixtures__/**',
      // Compiled from the .ts sources by `npm run build:lwc`; the sources are linted.
      'force-app/**/lwc/**/*.js',
      '**/*.d.ts',
      '*.cjs',
      '*.mjs',
      'config/eslint/**'
    ]
  },
  ...projectRules(import.meta.dirname)
];
