/** `ripcord doctor`: check every prerequisite of an environment; one line each, with the fix. */
import type { Command } from 'commander';
import { ExitCode } from '../../domain/errors.js';
import type { CliContext } from '../context.js';

export function registerDoctorCommand(program: Command, ctx: CliContext): void {
  program
    .command('doctor')
    .description('check the prerequisites of an environment (git, Docker, compose, PostgreSQL tools, Redis, backups, Slack)')
    .option('-e, --env <name>', 'environment to check (default: the only one)')
    .action(() => {
      ctx.exitCode = ExitCode.failed;
    });
}
