/** Asks yes/no on a terminal. Without one (and without --yes) the answer is no: exit 2, nothing changed. */
import { confirm as ask } from '@inquirer/prompts';
import type { CliContext } from './context.js';

export async function confirm(question: string, ctx: CliContext): Promise<boolean> {
  if (!process.stdin.isTTY) {
    ctx.err(`${question} — refusing: no terminal to confirm on; pass --yes to proceed without asking`);
    return false;
  }
  try {
    return await ask({ message: question, default: false });
  } catch (error) {
    // Ctrl+C or a closed terminal is a "no".
    if (error instanceof Error && error.name === 'ExitPromptError') return false;
    throw error;
  }
}
