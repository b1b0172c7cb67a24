/**
 * What a failed command said, without what compose said around it. `compose run` (v1 and v2)
 * mixes its own progress lines ("Creating shop_web_run ... done", "Container x  Started", pull and
 * build progress, orphan warnings) into the command's output; a reason made from those would tell a
 * person nothing. Pure: the same text always gives the same lines.
 */

const COMPOSE_NOISE: readonly RegExp[] = [
  // compose v1: "Creating shop_web_run ... ", "Creating shop_web_run ... done", "Starting db ... error"
  /^(Creating|Starting|Stopping|Removing|Recreating|Pulling|Building|Killing|Restarting|Pausing|Unpausing)\s+\S+\s+\.\.\.\s*(done|error)?$/,
  /^Creating (network|volume) ".*" with (the )?default driver$/,
  /^Attaching to /,
  /^Found orphan containers /,
  /^Encountered errors while bringing up the project\.?$/,
  /^WARNING: The \S+ variable is not set\. Defaulting to a blank string\.$/,
  // compose v2: "[+] Running 2/2", " ✔ Container shop-db-1  Started", "Network shop_default  Created"
  /^\[\+\]\s+(Running|Building|Pulling|Creating)\s+\d+\/\d+/,
  /^(\S\s+)?(Container|Network|Volume|Image)\s+\S+\s+(Creating|Created|Starting|Started|Stopping|Stopped|Removing|Removed|Waiting|Healthy|Recreate|Recreated|Running|Pulling|Pulled|Built|Building)\b/,
  /^(time="[^"]*"\s+)?level=(warning|info) msg=/,
  // image pulls
  /^\S+:\s+(Pulling fs layer|Waiting|Downloading|Verifying Checksum|Download complete|Extracting|Pull complete|Already exists)\b/,
  /^(Digest: sha256:|Status: (Downloaded|Image is up to date)|\S+ Pulling from )/,
  // legacy builder and BuildKit progress (a BuildKit line that reports an error is kept)
  /^(Step \d+\/\d+ :|---> |Successfully (built|tagged) |Removing intermediate container |Sending build context )/,
  /^#\d+ (?!.*\berror\b)/i,
];

const ERROR_LIKE = /error|fatal|failed|exception|traceback|missing|denied|refused|not found|cannot|could not/i;

/** The command's own lines: trimmed, non-empty, compose's progress and bare numbers removed. */
export function meaningfulLines(output: string): string[] {
  return output.split('\n')
    .map((l) => l.replace(/\r$/, '').trim())
    .filter((l) => l !== '' && !/^\d+$/.test(l) && !COMPOSE_NOISE.some((p) => p.test(l)));
}

/** How far from the end an error-like line may be and still be preferred over the very last line. */
const ERROR_WINDOW = 5;

/**
 * The line that says why a command failed: among its last few meaningful lines the last one that
 * reads like an error, else its last meaningful line; undefined when it printed nothing of its own.
 */
export function commandError(output: string): string | undefined {
  const lines = meaningfulLines(output);
  return lines.slice(-ERROR_WINDOW).findLast((l) => ERROR_LIKE.test(l)) ?? lines.at(-1);
}

/** The last `n` meaningful lines, for evidence. */
export function meaningfulTail(output: string, n: number): string {
  return meaningfulLines(output).slice(-n).join('\n');
}
