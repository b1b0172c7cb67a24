/**
 * `--help` ends with the exit codes, for the whole program and for each command, with the values
 * the commands really return (ExitCode), so a script author finds them where they look first.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Command } from 'commander';
import { ExitCode } from '../../src/domain/errors.js';
import { buildProgram } from '../../src/cli/program.js';

function helpOf(path: string[]): string {
  const ctx = { exitCode: ExitCode.ok, out: () => {}, err: () => {}, env: {}, cwd: process.cwd() };
  let command: Command = buildProgram(ctx);
  for (const name of path) {
    const sub = command.commands.find((c) => c.name() === name);
    assert.ok(sub, `no command ${path.join(' ')}`);
    command = sub;
  }
  let text = '';
  command.configureOutput({ writeOut: (s) => { text += s; } });
  command.outputHelp();
  return text;
}

const codesIn = (help: string) => [...help.split('\nExit codes:\n')[1]!.matchAll(/^ {2}(\d) {2}\S/gm)].map((m) => Number(m[1]));

describe('exit codes in --help', () => {
  test('ripcord --help lists every exit code the CLI returns', () => {
    const help = helpOf([]);
    assert.match(help, /\nExit codes:\n/);
    assert.deepEqual(codesIn(help), Object.values(ExitCode).sort());
    assert.match(help, / {2}2 {2}refused or bad input: nothing was changed/);
    assert.match(help, / {2}3 {2}a deploy failed and was rolled back/);
  });

  test('ripcord deploy --help says what each code means for a deploy', () => {
    const help = helpOf(['deploy']);
    assert.deepEqual(codesIn(help), [0, 1, 2, 3, 4]);
    assert.match(help, / {2}3 {2}a stage failed and the deploy was rolled back/);
    assert.match(help, / {2}4 {2}the rollback failed: the host needs a person/);
  });

  test('ripcord rollback --help has no 3: a manual rollback that worked exits 0', () => {
    const help = helpOf(['rollback']);
    assert.deepEqual(codesIn(help), [0, 1, 2, 4]);
    assert.match(help, / {2}0 {2}rolled back/);
  });

  test('a nested command (backups verify) lists them too', () => {
    assert.deepEqual(codesIn(helpOf(['backups', 'verify'])), [0, 1, 2, 3, 4]);
  });
});
