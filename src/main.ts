/** Process entry: parse argv and run what was asked. */
import { runCli } from './cli/program.js';

process.exitCode = await runCli(process.argv);
