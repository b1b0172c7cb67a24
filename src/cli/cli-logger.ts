/** The logger of a CLI command. */
import { createLogger } from '../log/logger.js';

/** The CLI's own output is on stdout; its JSON logs go to the log file only (or stderr at warn+). */
export function cliLogger(level: string, file: string | null) {
  return createLogger({ name: 'ripcord-cli', level: file ? (level as 'info') : 'silent', file, stdout: false });
}
