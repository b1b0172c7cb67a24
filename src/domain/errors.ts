/**
 * The coded errors Ripcord raises. Every one carries the fix a person should apply next, and
 * maps to a CLI exit code, so the terminal, Slack and JSON output all say the same thing.
 */
import { redactString } from './redact.js';

/** Exit codes shared by every CLI command (see docs/OPERATIONS.md). */
export const ExitCode = {
  ok: 0,
  failed: 1,
  refused: 2,
  rolledBack: 3,
  rollbackFailed: 4,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export type ErrorCode =
  | 'config_invalid'
  | 'config_missing'
  | 'bad_input'
  | 'lock_held'
  | 'not_found'
  | 'precondition_failed'
  | 'stage_failed'
  | 'rollback_failed'
  | 'unavailable';

export class RipcordError extends Error {
  readonly code: ErrorCode;
  /** What a person should do next, in one sentence. */
  readonly fix: string;
  readonly exitCode: ExitCode;

  /**
   * Message and fix are redacted here, where every Ripcord error is made: they quote what failed
   * (a git error with a remote URL, a libpq error with a connection string), and whatever prints,
   * journals or posts them must get clean text. The `cause` keeps the original for the logger,
   * which redacts it when it serializes.
   */
  constructor(code: ErrorCode, message: string, fix: string, exitCode: ExitCode = ExitCode.failed, options?: { cause?: unknown }) {
    super(redactString(message), options);
    this.name = new.target.name;
    this.code = code;
    this.fix = redactString(fix);
    this.exitCode = exitCode;
  }

  /** "message — fix", the form shown to people. */
  describe(): string {
    return this.fix ? `${this.message} — ${this.fix}` : this.message;
  }
}

/** Input that can never work (a bad ref, a bad path, a malformed flag). Nothing was changed. */
export class BadInputError extends RipcordError {
  constructor(message: string, fix: string) {
    super('bad_input', message, fix, ExitCode.refused);
  }
}

/** One problem found in the configuration: where it is, what is wrong, how to fix it. */
export interface ConfigIssue {
  path: string;
  problem: string;
  fix: string;
}

export class ConfigError extends RipcordError {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[], source: string) {
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    super('config_invalid', `${source}: ${count}`, 'fix each field listed, then run `ripcord config check`', ExitCode.refused);
    this.issues = issues;
  }

  override describe(): string {
    return [this.message, ...this.issues.map((i) => `  ${formatConfigIssue(i)}`)].join('\n');
  }
}

export function formatConfigIssue(issue: ConfigIssue): string {
  return `${issue.path || '(top level)'}: ${issue.problem} — ${issue.fix}`;
}
