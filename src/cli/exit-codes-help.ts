/**
 * The exit codes, at the end of every command's --help: scripts and people at a terminal branch on
 * them, so they are stated where they look first. The values are ExitCode (domain/errors.ts) and
 * exitCodeOf (domain/operation-report.ts); deploy and rollback say what each one means for them.
 */
import type { Command } from 'commander';
import { ExitCode } from '../domain/errors.js';

type Meanings = Partial<Record<ExitCode, string>>;

const REFUSED = 'refused or bad input: nothing was changed';
const ROLLBACK_FAILED = 'the rollback failed: the host needs a person (the report says what to run next)';

const EVERY_COMMAND: Meanings = {
  [ExitCode.ok]: 'done',
  [ExitCode.failed]: 'failed: the message names the fix (doctor: a prerequisite is missing); or an unexpected error',
  [ExitCode.refused]: REFUSED,
  [ExitCode.rolledBack]: 'a deploy failed and was rolled back',
  [ExitCode.rollbackFailed]: ROLLBACK_FAILED,
};

const BY_COMMAND: Record<string, Meanings> = {
  deploy: {
    [ExitCode.ok]: 'deployed (with --dry-run: the plan was printed, nothing changed)',
    [ExitCode.failed]: 'a stage failed, not rolled back (rollback.enabled: false); or an unexpected error',
    [ExitCode.refused]: REFUSED,
    [ExitCode.rolledBack]: 'a stage failed and the deploy was rolled back to the release before',
    [ExitCode.rollbackFailed]: ROLLBACK_FAILED,
  },
  rollback: {
    [ExitCode.ok]: 'rolled back (with --dry-run or status: printed, nothing changed)',
    [ExitCode.failed]: 'an unexpected error',
    [ExitCode.refused]: `${REFUSED} (also when declined, or rollback.enabled: false)`,
    [ExitCode.rollbackFailed]: ROLLBACK_FAILED,
  },
};

export function exitCodesText(meanings: Meanings): string {
  const lines = Object.entries(meanings).map(([code, meaning]) => `  ${code}  ${meaning}`);
  return `\nExit codes:\n${lines.join('\n')}`;
}

/** Adds the exit codes to the help of `program` and of every command under it. */
export function addExitCodesHelp(program: Command): void {
  program.addHelpText('after', exitCodesText(EVERY_COMMAND));
  const visit = (command: Command): void => {
    for (const sub of command.commands) {
      sub.addHelpText('after', exitCodesText(BY_COMMAND[sub.name()] ?? EVERY_COMMAND));
      visit(sub);
    }
  };
  visit(program);
}
