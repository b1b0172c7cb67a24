/**
 * The one HTTP call the webhook sinks make: POST a JSON body, accept only 2xx, give up after a
 * bounded time. Errors name the sink and the status, never the URL (its path is the secret).
 */
import { describeNetworkError, httpStatusMeansDown, shortBody, SinkError, type RemoteSinkName } from './sink.js';

export interface PostJsonOptions {
  sink: RemoteSinkName;
  timeoutMs: number;
}

export async function postJson(url: string, body: unknown, opts: PostJsonOptions): Promise<void> {
  const signal = AbortSignal.timeout(opts.timeoutMs);
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'User-Agent': 'ripcord' },
      body: JSON.stringify(body),
      signal,
      // A redirect would repeat the POST somewhere the operator did not configure.
      redirect: 'manual',
    });
  } catch (error) {
    const d = describeNetworkError(error, opts.timeoutMs);
    throw new SinkError(opts.sink, d.message, d.sinkDown);
  }
  // Read the body under the same deadline; a server that never finishes it counts as an answer.
  const text = await response.text().catch(() => '');
  if (response.status < 200 || response.status > 299) {
    throw new SinkError(opts.sink, `HTTP ${response.status}${shortBody(text)}`, httpStatusMeansDown(response.status));
  }
}
