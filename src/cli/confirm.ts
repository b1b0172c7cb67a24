/** Asks yes/no on a terminal. Without one (and without --yes) the answer is no: exit 2, nothing changed. */
import { createInterface } from 'node:readline/promises';
import type { CliContext } from './context.js';

export async function confirm(question: string, ctx: CliContext): Promise<boolean> {
  if (!process.stdin.isTTY) {
    ctx.err(`${question} — refusing: no terminal to confirm on; pass --yes to proceed without asking`);
    return false;
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
