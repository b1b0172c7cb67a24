/**
 * The direction rules of .dependency-cruiser.cjs (run in lint on src/) catch what they are for:
 * on a tiny tree of planted files, each arrow against DESIGN.md's layers is reported by its rule,
 * and the arrows that point down are not. So a rule that silently stopped matching fails here.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, test } from 'node:test';

const ROOT = resolve(new URL('../..', import.meta.url).pathname);
const tree = mkdtempSync(join(tmpdir(), 'ripcord-depcruise-'));
after(() => rmSync(tree, { recursive: true, force: true }));

function plant(files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(tree, path)), { recursive: true });
    writeFileSync(join(tree, path), text);
  }
  copyFileSync(join(ROOT, 'tsconfig.json'), join(tree, 'tsconfig.json'));
}

/** "rule from → to" for every violation depcruise finds in the planted tree. */
function violations(): string[] {
  let out: string;
  try {
    out = execFileSync(join(ROOT, 'node_modules/.bin/depcruise'), ['src', '--config', join(ROOT, '.dependency-cruiser.cjs'), '--output-type', 'json'], { cwd: tree, encoding: 'utf8' });
  } catch (error) {
    out = (error as { stdout: string }).stdout; // exit code = number of errors; the report is still on stdout
  }
  const report = JSON.parse(out) as { summary: { violations: Array<{ rule: { name: string }; from: string; to: string }> } };
  return report.summary.violations.map((v) => `${v.rule.name} ${v.from} → ${v.to}`).sort();
}

test('every planted arrow against the layers is reported by its rule; arrows down are not', () => {
  plant({
    'src/domain/pure.ts': "import { run } from '../executor/run.js';\nexport const pure = run;\n",
    'src/executor/run.ts': "import { ask } from '../operations/ask.js';\nexport const run = ask;\n",
    'src/operations/ask.ts': "import { view } from '../slack/view.js';\nexport const ask = view;\n",
    'src/slack/view.ts': "import { env } from '../executor/executor-env.js';\nimport { command } from '../cli/command.js';\nexport const view = env + command;\n",
    'src/executor/executor-env.ts': 'export const env = 1;\n',
    'src/cli/command.ts': "import { deploy } from '../operations/deploy.js';\nexport const command = deploy;\n",
    'src/operations/deploy.ts': "import { down } from '../state/down.js';\nexport const deploy = down;\n",
    'src/state/down.ts': "import { up } from '../notify/up.js';\nexport const down = up;\n",
    'src/notify/up.ts': "import { a } from '../domain/a.js';\nexport const up = a;\n",
    'src/domain/a.ts': "import { b } from './b.js';\nexport const a = b;\n",
    'src/domain/b.ts': "import { a } from './a.js';\nexport const b = a;\n",
  });
  const found = violations();
  const expected = [
    'domain-is-pure src/domain/pure.ts → src/executor/run.ts',
    'work-points-down src/executor/run.ts → src/operations/ask.ts',
    'operations-point-down src/operations/ask.ts → src/slack/view.ts',
    'slack-through-operations src/slack/view.ts → src/executor/executor-env.ts',
    'interfaces-point-down src/slack/view.ts → src/cli/command.ts',
    'ground-points-down src/state/down.ts → src/notify/up.ts',
    'no-circular src/domain/a.ts → src/domain/b.ts',
  ];
  for (const v of expected) assert.ok(found.includes(v), `${v} not reported; found:\n${found.join('\n')}`);
  assert.ok(!found.some((v) => v.includes('src/cli/command.ts → src/operations/deploy.ts')), 'cli → operations points down');
  assert.ok(!found.some((v) => v.includes('src/operations/deploy.ts → src/state/down.ts')), 'operations → state points down');
});
