import { projectRules } from '../../../../config/eslint/rules.mjs';

export default [{ ignores: ['**/*.js', '*.mjs'] }, ...projectRules(import.meta.dirname)];
