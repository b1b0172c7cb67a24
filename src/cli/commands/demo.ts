/**
 * `ripcord demo [--keep] [--clean] [--dir DIR]`: the whole story on a sandbox production host of
 * its own (src/demo), with no Slack and no Redis. Exit 0 when every fact of the story held.
 */
import type { Command } from 'commander';
import { cleanSandbox } from '../../demo/clean-sandbox.js';
import { defaultSandboxDir } from '../../demo/sandbox.js';
import { runDemo, type DemoTerminal } from '../../demo/story.js';
import type { CliContext } from '../context.js';
import { summarize } from '../progress.js';
import { liveProgress } from '../spinner-progress.js';
import { describeAftermath } from '../aftermath.js';

interface DemoOptions { keep?: boolean; clean?: boolean; dir?: string }

/** How the demo runs `ripcord ARGS` (program.ts passes its runCli: no import back up to it). */
export type RunCli = (argv: readonly string[], ctx: CliContext) => Promise<number>;

export function registerDemoCommand(program: Command, ctx: CliContext, runCli: RunCli): void {
  program.command('demo')
    .description('see the whole story on a sandbox host: a deploy, a failed deploy rolled back (code, containers, data), backups, a manual rollback')
    .option('--keep', 'leave the sandbox running, with its ripcord.yml, to try every other command against')
    .option('--clean', 'remove the sandbox: every container, volume, image and file it made')
    .option('--dir <path>', 'where the sandbox lives (default: $RIPCORD_DEMO_DIR or ~/.local/share/ripcord/demo)')
    .action(async (opts: DemoOptions) => {
      const dir = opts.dir ?? defaultSandboxDir(ctx.env);
      if (opts.clean) return clean(dir, ctx);
      const cleanCommand = `ripcord demo --clean${opts.dir ? ` --dir ${dir}` : ''}`;
      await runDemo({ dir, keep: opts.keep ?? false, cleanCommand }, terminalFor(ctx, runCli));
      ctx.exitCode = 0;
    });
}

async function clean(dir: string, ctx: CliContext): Promise<void> {
  const r = await cleanSandbox(dir);
  ctx.out(r === null ? `no demo sandbox in ${dir}; nothing to remove`
    : `removed the demo sandbox: ${r.containers} containers, ${r.volumes} volumes, ${r.images} images and ${dir}`);
}

function terminalFor(ctx: CliContext, runCli: RunCli): DemoTerminal {
  return {
    out: ctx.out,
    progress: () => liveProgress(process.stdout, ctx.out),
    summarize,
    aftermath: (after) => describeAftermath(after, after.reports[0]?.environment ?? ''),
    ripcord: (args) => {
      const indent = (write: (line: string) => void) => (line: string) => write(`  ${line}`);
      return runCli(['node', 'ripcord', ...args], { ...ctx, exitCode: 0, out: indent(ctx.out), err: indent(ctx.err) });
    },
  };
}
