/**
 * A node:test reporter (run-tests.sh adds it beside `spec`; plain JavaScript, because node loads
 * reporters before tsx is registered) that prints, at the end of a
 * run, the files whose tests took longest — the sum of their top-level tests and suites — so every
 * new integration test's cost in CI stays visible. It only reads events: it never changes a
 * result or the exit code.
 */
/** @param {AsyncIterable<any>} source */
export default async function* slowestFiles(source) {
  const perFile = new Map();
  for await (const event of source) {
    if ((event.type === 'test:pass' || event.type === 'test:fail') && event.data.nesting === 0 && event.data.file) {
      perFile.set(event.data.file, (perFile.get(event.data.file) ?? 0) + Number(event.data.details.duration_ms ?? 0));
    }
  }
  if (perFile.size === 0) return;
  const total = [...perFile.values()].reduce((a, b) => a + b, 0);
  yield `\n== slowest test files (time in their tests; of ${perFile.size} files, ${(total / 60_000).toFixed(1)} min in all)\n`;
  for (const [file, ms] of [...perFile].sort((a, b) => b[1] - a[1]).slice(0, 15)) {
    yield `${(ms / 1000).toFixed(1).padStart(8)} s  ${file.replace(`${process.cwd()}/`, '')}\n`;
  }
}
