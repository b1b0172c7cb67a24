/**
 * The release the host runs once an operation ended, read from its checkout then: what a report
 * says a rollback went "back on". Never the plan's SHA — a step that did not do what the plan
 * said shows here as what it is.
 */
import type { ExecutorEnv } from './executor-env.js';
import type { OperationReport } from './report.js';

/** `report` with `live` set from git (the operation's own ref first among the tags on that commit); unchanged when git cannot be read. */
export async function withLiveRelease(x: Pick<ExecutorEnv, 'repo' | 'log'>, report: OperationReport): Promise<OperationReport> {
  try {
    const sha = await x.repo.currentSha();
    const tags = await x.repo.tagsPointingAt(sha);
    const tag = report.ref && tags.includes(report.ref) ? report.ref : tags[0];
    return { ...report, live: { sha, ...(tag ? { tag } : {}) } };
  } catch (error) {
    // The report still goes out: its readers say the release could not be read rather than guess it.
    x.log.warn({ err: error, operation: report.id }, 'could not read the release the host runs after the operation');
    return report;
  }
}
