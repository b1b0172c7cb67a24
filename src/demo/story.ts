/**
 * `ripcord demo`: the whole story on a sandbox production host, through the real executor and
 * the real commands — deploy a good release; deploy one whose migration changes data and then
 * fails, and watch the automatic rollback put code, containers and data back; list the backups;
 * roll back by hand with `quick`. Every claim it prints is checked; a fact that does not hold
 * fails the demo (exit 1) instead of being narrated.
 */
import { loadConfig } from '../config/load-config.js';
import type { RipcordConfig } from '../config/schema.js';
import { openExecutorEnv, type ExecutorEnv } from '../executor/executor-env.js';
import { runDeploy } from '../executor/deploy.js';
import { performOperation, type Aftermath } from '../operations/perform-operation.js';
import type { OperationReport, ProgressListener } from '../executor/report.js';
import { createLogger } from '../log/logger.js';
import { ExitCode, RipcordError } from '../domain/errors.js';
import { cleanSandbox } from './clean-sandbox.js';
import { httpText } from './host-tools.js';
import { createSandbox, sandboxExists, type Sandbox } from './sandbox.js';
import { dataFingerprint, type DataFingerprint } from './shop-data.js';
import { RELEASE_NOTES, type ShopRelease } from './shop-app.js';

/** What the story needs from the terminal it runs on (the CLI provides it). */
export interface DemoTerminal {
  out: (line: string) => void;
  /** The live progress renderer `ripcord rollback` uses. */
  progress: () => ProgressListener;
  /** The lines `ripcord deploy` prints for a finished deployment. */
  summarize: (report: OperationReport) => string[];
  /** What `ripcord deploy` says after the report (notifications kept, records not written). */
  aftermath: (after: Aftermath<OperationReport>) => string[];
  /** Runs `ripcord ARGS` as a person would type it; resolves to its exit code. */
  ripcord: (args: string[]) => Promise<number>;
}

export interface DemoOptions {
  dir: string;
  keep: boolean;
  /** How this sandbox is removed: `ripcord demo --clean`, with --dir when it is not the default. */
  cleanCommand: string;
}

interface HostSnapshot { code: string; webImage: string; data: DataFingerprint }

export async function runDemo(opts: DemoOptions, term: DemoTerminal): Promise<void> {
  const started = Date.now();
  term.out(`Ripcord demo: a production host of its own in ${opts.dir}`);
  chapter(term, 1, 'Build the sandbox: a git origin with release tags, the shop (PostgreSQL + web) at v1.0.0');
  let sandbox: Sandbox;
  try {
    sandbox = await createSandbox(opts.dir, (l) => term.out(`  ${l}`));
    const { config } = loadConfig({ configPath: sandbox.configPath, env: {} });
    const x = await openExecutorEnv(config, 'production', createLogger({ name: 'ripcord-demo', level: 'silent', stdout: false }));
    await goodDeploy(x, config, sandbox, term);
    await failingDeploy(x, config, sandbox, term);
    chapter(term, 4, 'The backups Ripcord took and verified on the way (`ripcord backups list`)');
    await expectExit(term.ripcord(['--config', sandbox.configPath, 'backups', 'list']), 0, 'backups list');
    chapter(term, 5, 'Roll back by hand to the release before, as a person would (`ripcord rollback quick --yes`)');
    await expectExit(term.ripcord(['--config', sandbox.configPath, 'rollback', 'quick', '--yes']), 0, 'rollback quick');
    await expectLive(sandbox, term, '1.0.0');
  } catch (error) {
    if (sandboxExists(opts.dir)) term.out(`The sandbox is left in ${opts.dir} to look at; \`${opts.cleanCommand}\` removes it.`);
    throw error;
  }
  term.out('');
  term.out(`Done in ${((Date.now() - started) / 1000).toFixed(0)} s.`);
  await finish(opts, sandbox, term);
}

function chapter(term: DemoTerminal, n: number, title: string): void {
  term.out('');
  term.out(`${n}/5 ${title}`);
}

/** As `ripcord deploy` runs it: on the main road, so its report is notified and recorded too. */
async function deploy(x: ExecutorEnv, config: RipcordConfig, ref: ShopRelease, term: DemoTerminal): Promise<OperationReport> {
  const after = await performOperation(() => runDeploy(x, { ref, requestedBy: 'ripcord demo', onProgress: term.progress() }), {
    config, environment: x.name, log: x.log, failedAs: { id: '-', kind: 'deploy', environment: x.name, ref },
    show: ([report]) => { for (const line of report ? term.summarize(report) : []) term.out(`  ${line}`); },
  });
  for (const line of term.aftermath(after)) term.out(`  ${line}`);
  const [report] = after.reports;
  if (!report) throw storyBroke(`the deploy of ${ref} ended without a report`);
  return report;
}

async function goodDeploy(x: ExecutorEnv, config: RipcordConfig, s: Sandbox, term: DemoTerminal): Promise<void> {
  chapter(term, 2, `Deploy v1.1.0: ${RELEASE_NOTES['v1.1.0']}`);
  const report = await deploy(x, config, 'v1.1.0', term);
  if (report.outcome !== 'succeeded') throw storyBroke(`the deploy of v1.1.0 ended ${report.outcome}: ${report.reason ?? ''}`);
  await expectLive(s, term, '1.1.0');
}

async function failingDeploy(x: ExecutorEnv, config: RipcordConfig, s: Sandbox, term: DemoTerminal): Promise<void> {
  chapter(term, 3, `Deploy v1.2.0: ${RELEASE_NOTES['v1.2.0']}`);
  const before = await snapshot(x, s);
  term.out(`  before:  ${describe(before)}`);
  const report = await deploy(x, config, 'v1.2.0', term);
  if (report.outcome !== 'rolled_back') throw storyBroke(`the deploy of v1.2.0 ended ${report.outcome}, not rolled back: ${report.reason ?? ''}`);
  const after = await snapshot(x, s);
  term.out(`  after:   ${describe(after)}`);
  const same = before.code === after.code && before.webImage === after.webImage && before.data.checksum === after.data.checksum;
  if (!same) throw storyBroke('the host after the rollback differs from the host before the deploy (see the two lines above)');
  term.out('  ✔ the same code, the same web image and the same data (checksum equal) as before the deploy');
  await expectLive(s, term, '1.1.0');
}

async function snapshot(x: ExecutorEnv, s: Sandbox): Promise<HostSnapshot> {
  const sha = await x.repo.currentSha();
  const tags = await x.repo.tagsPointingAt(sha);
  const web = (await x.runtime.serviceContainers(s.project)).find((c) => c.service === 'web' && !c.oneOff && c.state === 'running');
  return { code: `${tags[0] ?? '(untagged)'} ${sha.slice(0, 7)}`, webImage: web ? web.imageId.slice(7, 19) : '(not running)', data: await dataFingerprint(s.project) };
}

function describe(h: HostSnapshot): string {
  const rows = Object.entries(h.data.rows).map(([table, n]) => `${n} ${table}`).join(', ');
  return `code ${h.code} · web image ${h.webImage} · ${rows} · data checksum ${h.data.checksum}`;
}

async function expectLive(s: Sandbox, term: DemoTerminal, version: string): Promise<void> {
  const body = await httpText(`${s.webUrl}/health/`);
  term.out(`  live: GET ${s.webUrl}/health/ → ${body ?? 'no answer'}`);
  if (!body?.includes(`ok ${version}`)) throw storyBroke(`expected the shop ${version} to answer its health check`);
}

async function expectExit(run: Promise<number>, expected: number, what: string): Promise<void> {
  const code = await run;
  if (code !== expected) throw storyBroke(`\`ripcord ${what}\` exited ${code}, expected ${expected}`);
}

function storyBroke(what: string): RipcordError {
  return new RipcordError('unavailable', `demo: ${what}`, 'look at the sandbox (`ripcord status --config <sandbox>/ripcord.yml`, logs/ in its app dir), then `ripcord demo --clean`', ExitCode.failed);
}

async function finish(opts: DemoOptions, s: Sandbox, term: DemoTerminal): Promise<void> {
  const cfg = `--config ${s.configPath}`;
  const next = [
    `ripcord status ${cfg}            # release, services, health, last deployment, newest backup`,
    `ripcord rollback ${cfg}          # the rollback menu (quick, to a commit, to a backup, full)`,
    `ripcord deploy v1.1.0 ${cfg} --dry-run   # the plan of a deploy, changing nothing`,
    `less ${s.appDir}/logs/update.log ${s.appDir}/logs/rollback.log ${s.appDir}/logs/notifications.log`,
    `ls -l ${s.dir}/backups           # the dumps and their manifests`,
  ];
  if (opts.keep) {
    term.out('The sandbox is still running (--keep). Look around:');
    for (const line of next) term.out(`  ${line}`);
    term.out(`  ${opts.cleanCommand}   # removes every container, volume, image and file of the sandbox`);
    return;
  }
  const cleaned = await cleanSandbox(s.dir);
  term.out(`Sandbox removed (${cleaned?.containers ?? 0} containers, ${cleaned?.volumes ?? 0} volumes, ${cleaned?.images ?? 0} images, ${s.dir}).`);
  term.out('`ripcord demo --keep` leaves it running to try every other command against (`ripcord status`, `ripcord rollback`, the logs, `ripcord backups list`);');
  term.out(`\`${opts.cleanCommand}\` removes it afterwards. For your own app: \`ripcord init /path/to/app\`.`);
}
