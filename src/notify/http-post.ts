/**
 * The one HTTP call the webhook sinks make: POST a JSON body, accept only 2xx, give up after a
 * bounded time. Errors name the sink and the status, never the URL (its path is the secret).
 */
import { signatureHeaders } from './webhook-signature.js';
import { describeNetworkError, httpStatusMeansDown, shortBody, SinkError, type RemoteSinkName } from './sink.js';

export interface PostJsonOptions {
  sink: RemoteSinkName;
  timeoutMs: number;
  /** Adds the X-Ripcord-Timestamp / X-Ripcord-Signature headers (webhook-signature.ts). */
  signingSecret?: string | null;
}

export async function postJson(url: string, body: unknown, opts: PostJsonOptions): Promise<void> {
  const signal = AbortSignal.timeout(opts.timeoutMs);
  let response: Response;
  // The exact bytes signed are the bytes sent: a receiver verifies the raw body.
  const text = JSON.stringify(body);
  const signed = opts.signingSecret ? signatureHeaders(opts.signingSecret, text) : {};
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'User-Agent': 'ripcord', ...signed },
      body: text,
      signal,
      // A redirect would repeat the POST somewhere the operator did not configure.
      redirect: 'manual',
    });
  } catch (error) {
    const d = describeNetworkError(error, opts.timeoutMs);
    throw new SinkError(opts.sink, d.message, d.sinkDown);
  }
  // Read the body under the same deadline; a server that never finishes it counts as an answer.
  const answer = await response.text().catch(() => '');
  if (response.status < 200 || response.status > 299) {
    throw new SinkError(opts.sink, `HTTP ${response.status}${shortBody(answer)}`, httpStatusMeansDown(response.status));
  }
}
