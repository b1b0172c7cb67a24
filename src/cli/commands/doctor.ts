/** `ripcord doctor`: check every prerequisite of an environment; one line each, with the fix. */
import type { Command } from 'commander';
import { ExitCode } from '../../domain/errors.js';
import { doctorPassed, runDoctor } from '../../doctor/run-doctor.js';
import { checkLine } from '../../doctor/check.js';
import { loadConfigFor, pickEnvironment, type CliContext } from '../context.js';

export function registerDoctorCommand(program: Command, ctx: CliContext): void {
  program
    .command('doctor')
    .description('check the prerequisites of an environment (git, Docker, compose, PostgreSQL tools, Redis, backups, Slack)')
    .option('-e, --env <name>', 'environment to check (default: the only one)')
    .option('--cli-only', 'skip Redis and Slack (a break-glass host runs only the CLI)')
    .option('--json', 'print the results as JSON')
    .action(async (opts: { env?: string; cliOnly?: boolean; json?: boolean }, cmd: Command) => {
      const { config } = loadConfigFor(cmd, ctx);
      const [envName, env] = pickEnvironment(config.environments, opts.env);
      const results = await runDoctor({ config, envName, env, processEnv: ctx.env }, { cliOnly: opts.cliOnly ?? false });
      const passed = doctorPassed(results);
      if (opts.json) ctx.out(JSON.stringify({ environment: envName, passed, checks: results }));
      else {
        for (const r of results) ctx.out(checkLine(r));
        ctx.out(passed ? `doctor: ${envName} is ready` : `doctor: ${envName} is NOT ready (fix the ✗ lines above)`);
      }
      ctx.exitCode = passed ? ExitCode.ok : ExitCode.failed;
    });
}
