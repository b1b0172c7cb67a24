/**
 * A release only some tests need, tagged on a reference stack's origin: `base`'s tree with `files`
 * changed (path → content; null deletes). releases.ts holds the releases every stack is built with.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ReferenceStack } from './reference-stack.js';
import type { Tree } from './releases.js';
import { git } from './stack-helpers.js';

const AUTHOR = ['-c', 'user.name=Ripcord Tests', '-c', 'user.email=tests@ripcord.invalid'];

export async function tagRelease(stack: Pick<ReferenceStack, 'root' | 'originDir'>, tag: string, base: string, files: Tree): Promise<void> {
  const work = mkdtempSync(join(stack.root, 'release-'));
  try {
    await git(stack.root, ['clone', '-q', stack.originDir, work]);
    await git(work, ['checkout', '-q', '--detach', base]);
    for (const [path, text] of Object.entries(files)) {
      if (text === null) rmSync(join(work, path), { force: true });
      else {
        mkdirSync(dirname(join(work, path)), { recursive: true });
        writeFileSync(join(work, path), text);
      }
    }
    await git(work, ['add', '-A']);
    await git(work, [...AUTHOR, 'commit', '-q', '-m', `release ${tag}`]);
    await git(work, [...AUTHOR, 'tag', '-a', tag, '-m', tag]);
    await git(work, ['push', '-q', 'origin', `refs/tags/${tag}`]);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** A release whose one new migration fails inside its transaction: the database is left exactly as it was. */
export const MIGRATION_FAILS_IN_TRANSACTION = {
  tag: 'migration-fails-in-tx',
  base: 'v1.1.0',
  files: {
    'web/app/VERSION': '1.2.0-migration-tx\n',
    'web/app/migrations/004_backfill_tx.sql': "INSERT INTO items (name) VALUES ('dinghy');\nUPDATE items SET name = upper(name);\nSELECT 1 / 0;\n",
  } as Tree,
};
