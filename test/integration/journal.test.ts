import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Journal, JournalCorruptError, journalPath, listUnfinished, newOperationId, readJournal, type HeaderInput } from '../../src/state/journal.js';
import { foldJournal } from '../../src/domain/journal-facts.js';

const root = mkdtempSync(join(tmpdir(), 'ripcord-journal-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshStateDir = () => join(root, `state-${++n}`);

const header = (id: string, env = 'production'): HeaderInput => ({
  id, kind: 'deploy', env, ref: 'v1.1.0', targetSha: 'a'.repeat(40), previousSha: 'b'.repeat(40), previousImages: { web: 'sha256:1' },
});

describe('Journal', () => {
  test('create writes the header durably, mode 600, and never overwrites', async () => {
    const stateDir = freshStateDir();
    const j = await Journal.create(stateDir, header('d-1'));
    assert.equal(j.path, join(stateDir, 'journal', 'production', 'd-1.jsonl'));
    assert.equal(j.path, journalPath(stateDir, 'production', 'd-1'));
    assert.equal(statSync(j.path).mode & 0o777, 0o600);
    const [first] = (await readJournal(j.path)).entries;
    assert.equal(first?.type, 'header');
    assert.equal(first?.type === 'header' && first.pid, process.pid);
    await j.close();
    await assert.rejects(Journal.create(stateDir, header('d-1')), /EEXIST/);
  });

  test('appends come back in call order, even when not awaited one by one', async () => {
    const j = await Journal.create(freshStateDir(), header('d-2'));
    await Promise.all([
      j.append({ type: 'stage_started', stage: 'preflight' }),
      j.append({ type: 'fact', key: 'previousSha', value: 'c'.repeat(40) }),
      j.append({ type: 'stage_finished', stage: 'preflight', outcome: 'ok' }),
      j.append({ type: 'state', state: 'refused', reason: 'lock held' }),
    ]);
    await j.close();
    const read = await readJournal(j.path);
    assert.equal(read.torn, null);
    assert.deepEqual(read.entries.map((e) => e.type), ['header', 'stage_started', 'fact', 'stage_finished', 'state']);
    const facts = foldJournal(read.entries);
    assert.equal(facts.previousSha, 'c'.repeat(40));
    assert.equal(facts.state, 'refused');
    await assert.rejects(j.append({ type: 'state', state: 'queued' }), /journal closed/);
  });

  test('append resolves only after the file is fsynced; create also fsyncs the new directories', async () => {
    const log: string[] = [];
    const probe = await open(join(root, 'probe'), 'w');
    const proto = Object.getPrototypeOf(probe) as { sync: () => Promise<void>; write: (...a: unknown[]) => Promise<unknown> };
    await probe.close();
    const { sync, write } = proto;
    proto.write = function (this: unknown, ...args: unknown[]) { log.push('write'); return write.apply(this, args); };
    proto.sync = async function (this: unknown) {
      await new Promise((r) => setTimeout(r, 20));
      await sync.call(this);
      log.push('sync');
    };
    try {
      const j = await Journal.create(freshStateDir(), header('d-3'));
      log.push('created');
      // header: write + file sync; then <state>/journal/production, and each new directory's parent:
      // journal/, the state dir, and the state dir's parent (the state dir itself was new).
      assert.deepEqual(log, ['write', 'sync', 'sync', 'sync', 'sync', 'sync', 'created']);
      log.length = 0;
      await j.append({ type: 'stage_started', stage: 'preflight' }).then(() => log.push('appended'));
      assert.deepEqual(log, ['write', 'sync', 'appended']);
      await j.close();
    } finally {
      proto.sync = sync;
      proto.write = write;
    }
  });

  test('a torn last line is reported, cut off on resume, and the journal continues cleanly', async () => {
    const j = await Journal.create(freshStateDir(), header('d-4'));
    await j.append({ type: 'stage_started', stage: 'preflight' });
    await j.close();
    const intact = statSync(j.path).size;
    appendFileSync(j.path, '{"type":"stage_started","sta');
    const read = await readJournal(j.path);
    assert.equal(read.entries.length, 2);
    assert.deepEqual(read.torn && { line: read.torn.line, offset: read.torn.offset }, { line: 3, offset: intact });
    assert.match(read.torn!.text, /"sta/);

    const resumed = await Journal.resume(j.path);
    assert.equal(resumed.torn?.line, 3);
    await resumed.journal.append({ type: 'state', state: 'rolling_back' });
    await resumed.journal.close();
    const after = await readJournal(j.path);
    assert.equal(after.torn, null);
    assert.deepEqual(after.entries.map((e) => e.type), ['header', 'stage_started', 'state']);
  });

  test('a state change the state machine forbids is refused and not written', async () => {
    const j = await Journal.create(freshStateDir(), header('d-illegal'));
    await assert.rejects(j.append({ type: 'state', state: 'succeeded' }), /illegal deployment state change queued → succeeded/);
    await j.append({ type: 'stage_started', stage: 'preflight' });
    await j.append({ type: 'stage_started', stage: 'build' });
    await assert.rejects(j.append({ type: 'stage_started', stage: 'preflight' }), /illegal deployment state change build → preflight/);
    await j.append({ type: 'state', state: 'rolling_back' });
    await j.append({ type: 'state', state: 'rolled_back' });
    await assert.rejects(j.append({ type: 'state', state: 'rolling_back' }), /rolled_back → rolling_back/);
    await j.close();
    const read = await readJournal(j.path);
    assert.deepEqual(read.entries.map((e) => (e.type === 'state' ? e.state : e.type === 'stage_started' ? e.stage : e.type)), ['header', 'preflight', 'build', 'rolling_back', 'rolled_back']);
    // A resumed journal continues from the state it had on disk.
    const resumed = await Journal.resume(j.path);
    await assert.rejects(resumed.journal.append({ type: 'state', state: 'rollback_failed' }), /rolled_back → rollback_failed/);
    await resumed.journal.close();
  });

  test('trailing garbage after a crash (NUL bytes) is a torn tail too', async () => {
    const j = await Journal.create(freshStateDir(), header('d-5'));
    await j.close();
    appendFileSync(j.path, Buffer.alloc(100));
    appendFileSync(j.path, '\n');
    const read = await readJournal(j.path);
    assert.equal(read.entries.length, 1);
    assert.equal(read.torn?.line, 2);
  });

  test('a damaged line followed by intact ones is corruption, not a crash', async () => {
    const j = await Journal.create(freshStateDir(), header('d-6'));
    await j.close();
    appendFileSync(j.path, 'not json\n{"type":"stage_started","stage":"preflight","at":"2026-11-01T10:00:00Z"}\n');
    await assert.rejects(readJournal(j.path), (e: unknown) => e instanceof JournalCorruptError && e.line === 2 && /move the file/.test(e.fix));
  });

  test('a write torn by the file size limit reads back intact up to the tear, and resume cuts it off', async () => {
    const stateDir = freshStateDir();
    const writer = fileURLToPath(new URL('../support/journal-writer.ts', import.meta.url));
    // RLIMIT_FSIZE makes the kernel write an entry only up to the limit, then fail the next write
    // (EFBIG, as a full disk would): a real torn write, where a kill between two complete writes
    // would tear nothing. The journal then refuses to go on.
    const limitKb = 400;
    const child = spawn('bash', ['-c', `ulimit -f ${limitKb} && exec "$0" --import tsx "$1" "$2" d-torn`, process.execPath, writer, stateDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
    assert.notEqual(code, 0);
    assert.match(stderr, /cannot write the journal .*d-torn\.jsonl: EFBIG/);
    const path = journalPath(stateDir, 'production', 'd-torn');
    const size = statSync(path).size;
    assert.equal(size, limitKb * 1024, 'the file ends exactly at the limit, inside an entry');
    const read = await readJournal(path);
    assert.ok(read.torn, 'the torn tail is reported');
    assert.equal(read.torn.line, read.entries.length + 1);
    assert.ok(read.torn.offset < size && read.torn.text.length > 0 && !read.torn.text.endsWith('\n'));
    assert.ok(read.entries.length >= 3, 'header, stage_started and the whole facts before the tear');
    const facts = foldJournal(read.entries);
    assert.equal(facts.state, 'preflight');
    const { unfinished } = await listUnfinished(stateDir);
    assert.deepEqual(unfinished.map((u) => u.facts.header.id), ['d-torn']);

    const resumed = await Journal.resume(path);
    await resumed.journal.append({ type: 'state', state: 'rolling_back' });
    await resumed.journal.close();
    const after = await readJournal(path);
    assert.equal(after.torn, null);
    assert.equal(after.entries.length, read.entries.length + 1);
  });

  test('listUnfinished finds journals not in a terminal state, oldest first, and lists damaged ones apart', async () => {
    const stateDir = freshStateDir();
    const clock = (iso: string) => ({ now: () => new Date(iso) });
    const done = await Journal.create(stateDir, header('done'), { clock: clock('2026-11-01T09:00:00Z') });
    await done.append({ type: 'stage_started', stage: 'health' });
    await done.append({ type: 'state', state: 'succeeded' });
    await done.close();
    const later = await Journal.create(stateDir, header('later', 'staging'), { clock: clock('2026-11-01T11:00:00Z') });
    await later.append({ type: 'stage_started', stage: 'build' });
    await later.close();
    const earlier = await Journal.create(stateDir, header('earlier'), { clock: clock('2026-11-01T10:00:00Z') });
    await earlier.append({ type: 'state', state: 'rolling_back' });
    await earlier.close();
    mkdirSync(join(stateDir, 'journal', 'production'), { recursive: true });
    writeFileSync(join(stateDir, 'journal', 'production', 'empty.jsonl'), '');
    writeFileSync(join(stateDir, 'journal', 'production', 'bad.jsonl'), 'x\n{"type":"state","state":"queued","at":"t"}\n');

    const { unfinished, unreadable } = await listUnfinished(stateDir);
    assert.deepEqual(unfinished.map((u) => [u.env, u.facts.header.id, u.facts.state]), [['production', 'earlier', 'rolling_back'], ['staging', 'later', 'build']]);
    assert.deepEqual(unreadable.map((u) => u.path.endsWith('bad.jsonl')), [true]);
    assert.deepEqual((await listUnfinished(stateDir, 'staging')).unfinished.map((u) => u.facts.header.id), ['later']);
    assert.deepEqual(await listUnfinished(freshStateDir()), { unfinished: [], unreadable: [] });
  });

  test('names that could escape the journal directory are refused; ids sort by time', async () => {
    await assert.rejects(Journal.create(freshStateDir(), header('../x')), /cannot be used as a file name/);
    await assert.rejects(Journal.create(freshStateDir(), header('x', '../etc')), /cannot be used as a file name/);
    assert.ok(newOperationId(new Date('2026-11-01T10:00:00Z')) < newOperationId(new Date('2026-11-01T10:00:01Z')));
    assert.match(newOperationId(new Date('2026-11-01T10:00:00.123Z')), /^20261101T100000Z-[0-9a-f]{6}$/);
  });
});
