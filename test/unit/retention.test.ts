import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decideRetention, type RetentionCandidate } from '../../src/domain/retention.js';

const policy = { daily: 7, weekly: 4, monthly: 12, predeployDays: 7 };
const now = new Date('2026-12-31T12:00:00Z');
const day = (d: Date) => d.toISOString().slice(0, 10).replace(/-/g, '');

/** A synthetic year as the scheduler makes it: daily 02:00, weekly Sunday 03:00, monthly day 1 04:00. */
function syntheticYear(): RetentionCandidate[] {
  const out: RetentionCandidate[] = [];
  for (let t = new Date('2026-01-01T00:00:00Z'); t < now; t = new Date(t.getTime() + 86_400_000)) {
    const at = (h: number) => new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate(), h));
    out.push({ name: `daily-${day(t)}`, kind: 'daily', createdAt: at(2), verified: true, referencedByUnfinished: false });
    if (t.getUTCDay() === 0) out.push({ name: `weekly-${day(t)}`, kind: 'weekly', createdAt: at(3), verified: true, referencedByUnfinished: false });
    if (t.getUTCDate() === 1) out.push({ name: `monthly-${day(t)}`, kind: 'monthly', createdAt: at(4), verified: true, referencedByUnfinished: false });
  }
  return out;
}

test('GFS over a synthetic year keeps exactly the newest 7 daily, 4 weekly and 12 monthly', () => {
  const d = decideRetention(syntheticYear(), policy, now);
  const kept = d.keep.map((k) => k.name).sort();
  assert.deepEqual(kept, [
    'daily-20261225', 'daily-20261226', 'daily-20261227', 'daily-20261228', 'daily-20261229', 'daily-20261230', 'daily-20261231',
    'monthly-20260101', 'monthly-20260201', 'monthly-20260301', 'monthly-20260401', 'monthly-20260501', 'monthly-20260601',
    'monthly-20260701', 'monthly-20260801', 'monthly-20260901', 'monthly-20261001', 'monthly-20261101', 'monthly-20261201',
    'weekly-20261206', 'weekly-20261213', 'weekly-20261220', 'weekly-20261227',
  ]);
  assert.equal(d.delete.length, syntheticYear().length - kept.length);
  assert.match(d.delete.find((x) => x.name === 'daily-20261224')?.reason ?? '', /more than 7 newer daily/);
});

test('pre-deploy backups go after MAX_BACKUPS days; safety and manual ones never', () => {
  const b = (name: string, kind: RetentionCandidate['kind'], daysAgo: number, extra: Partial<RetentionCandidate> = {}): RetentionCandidate =>
    ({ name, kind, createdAt: new Date(now.getTime() - daysAgo * 86_400_000), verified: false, referencedByUnfinished: false, ...extra });
  const d = decideRetention([
    b('pre-new', 'predeploy', 2), b('pre-old', 'predeploy', 8), b('safety-old', 'safety', 400), b('manual-old', 'manual', 300),
    b('pre-referenced', 'predeploy', 30, { referencedByUnfinished: true }),
  ], policy, now);
  assert.deepEqual(d.delete.map((x) => x.name), ['pre-old']);
  assert.match(d.delete[0]!.reason, /older than 7 days/);
});

test('the newest verified backup survives even when every rule would drop it', () => {
  const old = new Date(now.getTime() - 90 * 86_400_000);
  const d = decideRetention([
    { name: 'pre-verified', kind: 'predeploy', createdAt: old, verified: true, referencedByUnfinished: false },
    { name: 'pre-unverified', kind: 'predeploy', createdAt: new Date(old.getTime() + 1000), verified: false, referencedByUnfinished: false },
  ], policy, now);
  assert.deepEqual(d.keep, [{ name: 'pre-verified', reasons: ['newest verified backup'] }]);
  assert.deepEqual(d.delete.map((x) => x.name), ['pre-unverified']);
});

test('configured numbers over the same year with pre-deploy, safety and referenced backups: exactly these survive', () => {
  const year = syntheticYear();
  for (const b of [...year]) {
    if (b.kind !== 'daily' || b.createdAt.getUTCDay() !== 1) continue;
    const at = new Date(b.createdAt.getTime() + 13 * 3600_000);
    year.push({ name: `pre-${day(at)}`, kind: 'predeploy', createdAt: at, verified: true, referencedByUnfinished: day(at) === '20260105' });
  }
  year.push({ name: 'safety-20260301', kind: 'safety', createdAt: new Date('2026-03-01T10:00:00Z'), verified: false, referencedByUnfinished: false });
  const d = decideRetention(year, { daily: 3, weekly: 2, monthly: 1, predeployDays: 14 }, now);
  assert.deepEqual(d.keep.map((k) => k.name).sort(), [
    'daily-20261229', 'daily-20261230', 'daily-20261231', 'monthly-20261201', 'pre-20260105', 'pre-20261221', 'pre-20261228',
    'safety-20260301', 'weekly-20261220', 'weekly-20261227',
  ]);
  assert.deepEqual(d.keep.find((k) => k.name === 'pre-20260105')?.reasons, ['an unfinished deployment or rollback refers to it']);
  assert.deepEqual(d.keep.find((k) => k.name === 'daily-20261231')?.reasons, ['newest verified backup', 'daily 1 of 3']);
  assert.equal(d.delete.find((x) => x.name === 'pre-20261214')?.reason, 'pre-deploy backup older than 14 days');
  assert.equal(d.keep.length + d.delete.length, year.length);
});
