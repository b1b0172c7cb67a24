/**
 * The report types live in src/domain/operation-report.ts (plain data, read by notify and the CLI
 * as well as written here); this name stays for the executor's own imports.
 */
export * from '../domain/operation-report.js';
