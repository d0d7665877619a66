// ESLint for the browser code Crossroads ships (run by scripts/test.sh).
// The evaluator's files are ES modules for the page and the web worker; the
// theme guard in docs/overrides is a classic script that must run before the
// theme's own scripts.
import js from "@eslint/js";
import globals from "globals";

export default [
  { ignores: ["node_modules/**", "site/**", ".venv/**", "test-artifacts/**"] },
  js.configs.recommended,
  {
    files: ["site_plugins/crossroads/assets/**/*.js"],
    languageOptions: {
      ecmaVersion: 2024,
      sourceType: "module",
      globals: { ...globals.browser, ...globals.worker },
    },
    rules: {
      "no-unused-vars": ["error", { caughtErrors: "none" }],
      eqeqeq: ["error", "always"],
      "no-implicit-globals": "error",
    },
  },
  {
    files: ["docs/overrides/**/*.js"],
    languageOptions: { ecmaVersion: 2020, sourceType: "script", globals: globals.browser },
    rules: { "no-unused-vars": ["error", { caughtErrors: "none" }] },
  },
  {
    files: ["tests/**/*.mjs", "bench/**/*.mjs", "scripts/**/*.mjs", "eslint.config.mjs"],
    languageOptions: { ecmaVersion: 2024, sourceType: "module", globals: globals.node },
  },
];
