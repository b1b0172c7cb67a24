/**
 * Live progress on a terminal: the running step with a spinner and its time so far, replaced by
 * a ✔/✗ line with its duration when it ends. Off a terminal, the plain line renderer is used.
 */
import type { ProgressEvent, ProgressListener } from '../executor/report.js';
import { terminalProgress } from './progress.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export function liveProgress(stream: NodeJS.WriteStream, write: (line: string) => void): ProgressListener {
  const lines = terminalProgress(write);
  if (!stream.isTTY) return lines;
  let timer: NodeJS.Timeout | undefined;
  const stop = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
    stream.write('\r\x1b[2K');
  };
  return (event: ProgressEvent) => {
    if (event.type !== 'step_started') {
      stop();
      return lines(event);
    }
    stop();
    const label = `${event.phase === 'rollback' ? 'rollback: ' : ''}${event.name}`;
    let frame = 0;
    const draw = () => stream.write(`\r\x1b[2K  ${FRAMES[frame++ % FRAMES.length]} ${label} ${((Date.now() - event.at.getTime()) / 1000).toFixed(1)}s`);
    draw();
    timer = setInterval(draw, 100);
    timer.unref();
  };
}
