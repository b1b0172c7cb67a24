// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Modules that reach the outside world. src/domain must stay pure, so it may import none of them. */
const ioModules = [
  'fs', 'fs/*', 'node:fs', 'node:fs/*', 'child_process', 'node:child_process', 'net', 'node:net',
  'http', 'node:http', 'https', 'node:https', 'dgram', 'node:dgram', 'dns', 'node:dns',
  'process', 'node:process', 'os', 'node:os', 'worker_threads', 'node:worker_threads',
  'pg', 'ioredis', 'bullmq', 'dockerode', 'simple-git', 'nodemailer', '@slack/*', 'pino',
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test/support/fixtures/**', '.dependency-cruiser.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    // Plain JavaScript outside the TypeScript project (scripts/slowest-files-reporter.mjs): no type-aware rules.
    files: ['**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { parserOptions: { projectService: false }, globals: { process: 'readonly' } },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ioModules, message: 'src/domain is pure: pass I/O in through a port (see DESIGN.md).' },
          { group: ['../*', '!../domain/*'], message: 'src/domain may import only from src/domain.' },
        ],
      }],
      'no-restricted-globals': ['error',
        { name: 'process', message: 'src/domain is pure: read the environment in src/config.' },
        { name: 'fetch', message: 'src/domain is pure: HTTP belongs in src/adapters.' }],
    },
  },
  {
    // The CLI and test/bench tooling own the terminal.
    files: ['src/cli/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    // node:test's describe/test return promises the runner itself awaits.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-floating-promises': ['error', {
        allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'test', 'it', 'suite'] }],
      }],
    },
  },
  { files: ['**/*.js'], ...tseslint.configs.disableTypeChecked },
);
