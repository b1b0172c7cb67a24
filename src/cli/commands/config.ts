/** `ripcord config check`: validate ripcord.yml and print every problem with its path and fix. */
import type { Command } from 'commander';
import { ConfigError, ExitCode, formatConfigIssue } from '../../domain/errors.js';
import { loadConfigFor, type CliContext } from '../context.js';

export function registerConfigCommands(program: Command, ctx: CliContext): void {
  const config = program.command('config').description('work with ripcord.yml');
  config
    .command('check')
    .description('validate the configuration; lists every problem at once with its fix')
    .option('--json', 'print the result as JSON')
    .action((opts: { json?: boolean }, cmd: Command) => {
      try {
        const { config: loaded, source } = loadConfigFor(cmd, ctx);
        const names = Object.keys(loaded.environments);
        if (opts.json) ctx.out(JSON.stringify({ ok: true, source, environments: names }));
        else ctx.out(`ok: ${source ?? 'environment variables'} defines ${names.length} environment(s): ${names.join(', ')}`);
        ctx.exitCode = ExitCode.ok;
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        if (opts.json) ctx.out(JSON.stringify({ ok: false, problems: error.issues }));
        else {
          ctx.err(error.message);
          for (const issue of error.issues) ctx.err(`  ✗ ${formatConfigIssue(issue)}`);
        }
        ctx.exitCode = ExitCode.refused;
      }
    });
}
