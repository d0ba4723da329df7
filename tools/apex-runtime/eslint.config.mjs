// Lint config for the runtime alone: `npx eslint -c tools/apex-runtime/eslint.config.mjs tools/apex-runtime`.
// The interpreter handles dynamically typed Apex values, so `any` is allowed where a file says so.
import tseslint from 'typescript-eslint';

export default tseslint.config({
  files: ['**/*.ts'],
  extends: [...tseslint.configs.recommended],
  rules: {
    '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    '@typescript-eslint/no-non-null-assertion': 'off'
  }
});
