// The browser scripts are plain ES modules served as they are (no build step), so a mistake in
// an import or a name shows up only in the browser: tests/unit/test_js_lint.py runs ESLint
// (npm, package.json) over static/js with the rules that catch those.
import globals from "globals";

export default [
  {
    files: ["static/js/**/*.js"],
    languageOptions: { sourceType: "module", ecmaVersion: 2023, globals: globals.browser },
    rules: {
      "no-undef": "error",
      "no-unused-vars": ["error", { args: "none", ignoreRestSiblings: true }],
      "no-redeclare": "error",
      "no-dupe-keys": "error",
      "no-unreachable": "error",
    },
  },
];
