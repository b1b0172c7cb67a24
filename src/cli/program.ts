/**
 * The `ripcord` command line. Each command group lives in cli/commands/<name>.ts and registers
 * itself here; commands return an exit code instead of calling process.exit, so tests can drive them.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { ExitCode, RipcordError } from '../domain/errors.js';
import { registerConfigCommands } from './commands/config.js';
import { registerDoctorCommand } from './commands/doctor.js';
import { registerDeployCommands } from './commands/deploy.js';
import { registerStatusCommand } from './commands/status.js';
import { registerBackupsCommands } from './commands/backups.js';
import { registerRollbackCommand } from './commands/rollback.js';
import { registerNotifyCommands } from './commands/notify.js';
import { registerServiceCommands } from './commands/start.js';
import { registerBotCommand } from './commands/bot.js';
import { registerWatchCommand } from './commands/watch.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerInitCommand } from './commands/init.js';
import { registerIncidentsCommands } from './commands/incidents.js';
import { registerAuditCommand } from './commands/audit.js';
import type { CliContext } from './context.js';
import { addExitCodesHelp } from './exit-codes-help.js';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('ripcord')
    .description('Deploy a Docker Compose + PostgreSQL app and roll it back completely when anything fails.')
    .version(version(), '-V, --version')
    .option('-c, --config <path>', 'ripcord.yml (default: $RIPCORD_CONFIG, ./ripcord.yml, /etc/ripcord/ripcord.yml)')
    .option('--env-file <path>', 'KEY=VALUE file (e.g. .env.production) read before the environment')
    .showHelpAfterError()
    .exitOverride();
  registerConfigCommands(program, ctx);
  registerDoctorCommand(program, ctx);
  registerDeployCommands(program, ctx);
  registerStatusCommand(program, ctx);
  registerBackupsCommands(program, ctx);
  registerRollbackCommand(program, ctx);
  registerIncidentsCommands(program, ctx);
  registerNotifyCommands(program, ctx);
  registerServiceCommands(program, ctx);
  registerBotCommand(program, ctx);
  registerWatchCommand(program, ctx);
  registerDemoCommand(program, ctx, runCli);
  registerInitCommand(program, ctx);
  registerAuditCommand(program, ctx);
  addExitCodesHelp(program);
  return program;
}

/** Runs the CLI and returns the exit code; errors are printed as "message — fix". */
export async function runCli(argv: readonly string[], ctx: CliContext = defaultContext()): Promise<number> {
  const program = buildProgram(ctx);
  try {
    await program.parseAsync([...argv]);
    return ctx.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.exitCode === 0 ? ExitCode.ok : ExitCode.refused;
    }
    if (error instanceof RipcordError) {
      ctx.err(error.describe());
      return error.exitCode;
    }
    ctx.err(`unexpected error: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    return ExitCode.failed;
  }
}

function defaultContext(): CliContext {
  return {
    exitCode: ExitCode.ok,
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    env: process.env,
    cwd: process.cwd(),
  };
}
