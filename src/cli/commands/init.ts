/**
 * `ripcord init [APP_DIR]`: writes a commented ripcord.yml from what the app dir shows, asks (on a
 * terminal) only what it cannot find, never overwrites, and finishes with `ripcord doctor`.
 * Exit 0 when the file was written (doctor's verdict is printed, not the exit code); 2 refused.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { input } from '@inquirer/prompts';
import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config.js';
import { BadInputError, ExitCode } from '../../domain/errors.js';
import { checkLine } from '../../doctor/check.js';
import { doctorPassed, runDoctor } from '../../doctor/run-doctor.js';
import { configText } from '../../init/config-writer.js';
import { detectApp } from '../../init/detect-app.js';
import { resolveAnswers, type Ask, type InitFlags } from '../../init/init-answers.js';
import { writeNewConfig } from '../../init/write-new-config.js';
import type { CliContext } from '../context.js';

interface InitOptions extends InitFlags { output?: string; yes?: boolean; doctor?: boolean }

export function registerInitCommand(program: Command, ctx: CliContext): void {
  program.command('init [appDir]')
    .description('write a commented ripcord.yml for an app (compose file, database, health, preset, the old scripts\' settings), then run doctor')
    .option('-o, --output <path>', 'where to write it (default: ./ripcord.yml, where Ripcord looks first); never overwritten; a missing directory is made, mode 0700')
    .option('--env-name <name>', 'the environment name', 'production')
    .option('--compose-file <file>', 'compose file, relative to the app dir')
    .option('--preset <name>', 'django, nextjs-prisma or none (default: detected)')
    .option('--db-service <name>', 'compose service running PostgreSQL')
    .option('--db-name <name>', 'application database name')
    .option('--db-user <name>', 'database user')
    .option('--database-url <url>', 'connect directly instead of through a compose service')
    .option('--web-service <name>', 'compose service that runs the app (migrations run in it)')
    .option('--health-url <url>', 'health check URL, as reached from this host')
    .option('--health-token-variable <name>', 'the variable holding the health route\'s Bearer token (default: probed, and looked for in the app\'s env files, e.g. CRON_SECRET)')
    .option('--backups-dir <path>', 'where backups are kept (default: the app\'s backups/)')
    .option('--state-dir <path>', 'journal and lock directory', '/var/lib/ripcord')
    .option('-y, --yes', 'ask nothing: take what was found and the flags (scripts)')
    .option('--no-doctor', 'do not run doctor afterwards')
    .action(async (appDir: string | undefined, opts: InitOptions) => init(appDir, opts, ctx));
}

async function init(appDirArg: string | undefined, opts: InitOptions, ctx: CliContext): Promise<void> {
  const appDir = resolve(ctx.cwd, appDirArg ?? '.');
  const output = resolve(ctx.cwd, opts.output ?? 'ripcord.yml');
  if (!existsSync(appDir)) throw new BadInputError(`app dir ${appDir} does not exist`, 'pass the directory of the app checkout, e.g. `ripcord init /srv/app`');
  if (existsSync(output)) throw new BadInputError(`${output} already exists; ripcord init never overwrites`, 'edit it, or pass --output NEW_PATH, or move it away first');
  const facts = detectApp(appDir);
  for (const line of foundLines(facts)) ctx.out(line);
  const answers = await resolveAnswers(facts, opts, opts.yes || !process.stdin.isTTY ? null : prompt);
  ctx.out(`  health check: ${answers.healthToken.finding}`);
  // The token's value is read at run time, never written: any value checks the file's shape.
  const token = answers.healthToken.variable;
  writeNewConfig(output, configText(answers, facts), { cwd: ctx.cwd, env: token ? { [token]: 'checked-at-run-time' } : {} });
  ctx.out(`wrote ${output}`);
  const tokenFile = token && facts.healthToken?.variable === token ? join(appDir, facts.healthToken.file) : undefined;
  if (opts.doctor !== false) await doctor(output, answers.envName, ctx, tokenFile);
  ctx.exitCode = ExitCode.ok;
}

const prompt: Ask = (question, suggestion) => input({ message: question, ...(suggestion ? { default: suggestion } : {}) }).catch((error: unknown) => {
  // Ctrl+C: nothing was written.
  if (error instanceof Error && error.name === 'ExitPromptError') throw new BadInputError('ripcord init cancelled; nothing was written', 'run it again, or pass the values as flags with --yes');
  throw error;
});

function foundLines(f: ReturnType<typeof detectApp>): string[] {
  const c = f.compose;
  return [
    `found in ${f.appDir}:`,
    `  compose file: ${f.composeFile ?? 'none'}${c ? ` (services: ${c.services.join(', ')})` : ''}`,
    `  PostgreSQL: ${c?.db ? `service ${c.db.service}, database ${c.db.name ?? '?'} (${c.db.source}), user ${c.db.user}` : 'not found'}`,
    `  web: ${c?.web ? `service ${c.web.service}${c.web.port ? `, port ${c.web.port}` : ''}${c.web.healthPath ? `, health ${c.web.healthPath}` : ''}` : 'not found'}`,
    `  preset: ${f.preset ? `${f.preset} (${f.presetReason ?? ''})` : 'none'}`,
    ...(f.healthToken ? [`  health token: ${f.healthToken.variable} in ${f.healthToken.file}`] : []),
    ...(f.envFile ? [`  old scripts' settings: ${f.envFile} (${Object.keys(f.seedVars).join(', ') || 'none of their variables'})`] : []),
    ...(f.backups ? [`  backups: ${f.backups.dir} (${f.backups.oldDumps} backup_*.sql.gz)`] : []),
  ];
}

/** `envFile`: where the health token's variable is, so the check sends it as a deploy would. */
async function doctor(configPath: string, envName: string, ctx: CliContext, envFile: string | undefined): Promise<void> {
  ctx.out('');
  ctx.out(`ripcord doctor --cli-only --config ${configPath}${envFile ? ` --env-file ${envFile}` : ''}`);
  const { config } = loadConfig({ configPath, env: ctx.env, cwd: ctx.cwd, envFile });
  const env = config.environments[envName];
  if (!env) return;
  const results = await runDoctor({ config, envName, env, processEnv: ctx.env }, { cliOnly: true });
  for (const r of results) ctx.out(`  ${checkLine(r)}`);
  ctx.out(doctorPassed(results) ? `ready: try \`ripcord deploy --dry-run REF --config ${configPath}\``
    : 'not ready yet: fix the ✗ lines above, then run `ripcord doctor` again (Redis and Slack are checked once you configure them)');
}
