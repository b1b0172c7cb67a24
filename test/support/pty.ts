/**
 * A program on a real pseudo-terminal, driven like a person at a keyboard: util-linux `script`
 * allocates the pty, forwards our keystrokes to it and copies the screen output back. The screen is
 * read with ANSI escapes stripped.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export const KEY = { down: '\x1b[B', up: '\x1b[A', enter: '\r' } as const;

export interface PtySession {
  /** Everything shown so far, escapes stripped. */
  screen(): string;
  /** Waits until the screen (after `from` characters) matches, or fails with what it shows. */
  waitFor(pattern: RegExp, timeoutMs?: number, from?: number): Promise<void>;
  send(keys: string): void;
  done: Promise<number | null>;
  child: ChildProcess;
}

// Terminal escapes are exactly what must be matched here.
// eslint-disable-next-line no-control-regex
const strip = (s: string) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\x1b[()][A-Z0-9]/g, '').replace(/\r/g, '');

/** Runs `argv` on a pty (80 columns) and returns a handle; the program's exit code comes in `done`. */
export function startPty(argv: readonly string[], env: Record<string, string | undefined> = {}): PtySession {
  const command = argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const child = spawn('script', ['-qfec', `stty cols 100 rows 50; exec ${command}`, '/dev/null'], {
    env: { ...process.env, TERM: 'xterm', ...env }, stdio: ['pipe', 'pipe', 'pipe'],
  });
  let raw = '';
  child.stdout!.on('data', (c: Buffer) => { raw += c.toString(); });
  child.stderr!.on('data', (c: Buffer) => { raw += c.toString(); });
  const done = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    child, done,
    screen: () => strip(raw),
    send: (keys) => { child.stdin!.write(keys); },
    async waitFor(pattern, timeoutMs = 60_000, from = 0) {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        if (pattern.test(strip(raw).slice(from))) return;
        if (child.exitCode !== null) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`the terminal never showed ${pattern}; it shows:\n${strip(raw).slice(-3000)}`);
    },
  };
}
