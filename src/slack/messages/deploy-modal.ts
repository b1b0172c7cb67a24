/**
 * The Deploy modal of the Home tab, pure: which release to deploy — a picker of the newest release
 * tags (with their age, the one running now marked) or any ref typed in — then Preview. And the
 * reader of Slack's `view.state.values` for it: one ref, or the error to show beside the inputs.
 */
import { refProblem, shortSha } from '../../domain/ref.js';
import { context, section, type Block } from './blocks.js';
import { age, code, cut, escapeText } from './mrkdwn.js';
import { modal, optionText, type ModalView } from './views.js';

export const DEPLOY_MODAL_CALLBACK = 'deploy_modal';
/** Slack: a select holds at most 100 options; an option's text ≤ 75 and value ≤ 150 characters. */
const MAX_OPTIONS = 25;

export interface DeployModalView {
  environment: string;
  releases: ReadonlyArray<{ tag: string; sha: string; date: string }>;
  /** The SHA running now, or null. */
  current: string | null;
  now: Date;
}

const plain = optionText;

export function deployModal(v: DeployModalView): ModalView {
  const options = v.releases.filter((r) => r.tag.length <= 150).slice(0, MAX_OPTIONS)
    .map((r) => ({ text: plain(`${r.tag} ${shortSha(r.sha)} — ${age(r.date, v.now)}${r.sha === v.current ? ' (running now)' : ''}`), value: r.tag }));
  const running = v.releases.find((r) => r.sha === v.current);
  const blocks: Block[] = [
    section(`*${escapeText(v.environment)}* runs ${running ? code(running.tag) : v.current ? code(shortSha(v.current)) : '_nothing yet_'} now.`),
    options.length
      ? { type: 'input', block_id: 'release', optional: true, label: plain('Release'), element: { type: 'static_select', action_id: 'release', placeholder: plain('Pick a release tag'), options } }
      : context('_No release tags yet: type a branch or a commit SHA below._'),
    {
      type: 'input', block_id: 'ref', optional: true, label: plain('Or a ref'), hint: plain('A tag, branch or commit SHA; it wins over the picker.'),
      element: { type: 'plain_text_input', action_id: 'ref', max_length: 200, placeholder: plain('v1.2.0, main or 9e8d7c6') },
    },
    context('Next you see the plan — from → to, the commits, the migrations, what happens to the database if it fails — and confirm it. Nothing changes before that.'),
  ];
  return modal({ title: `Deploy ${v.environment}`, submit: 'Preview', close: 'Cancel', callbackId: DEPLOY_MODAL_CALLBACK, privateMetadata: JSON.stringify({ e: v.environment }), blocks });
}

type StateValues = Record<string, Record<string, { selected_option?: { value?: string } | null; value?: string | null }>>;

/** The ref to preview, or the error to show beside the inputs. */
export function readDeployModal(values: unknown): { ref: string } | { errors: Record<string, string> } {
  const v = (values ?? {}) as StateValues;
  const typed = v.ref?.ref?.value?.trim() ?? '';
  const picked = v.release?.release?.selected_option?.value ?? '';
  const ref = typed || picked;
  if (!ref) return { errors: { ref: 'pick a release above or type a ref' } };
  const problem = refProblem(ref);
  if (problem) return { errors: { ref: `"${cut(ref, 60)}" ${problem}` } };
  return { ref };
}

export function deployModalEnvironment(privateMetadata: string | undefined): string {
  try {
    const e = (JSON.parse(privateMetadata ?? '') as { e?: unknown }).e;
    return typeof e === 'string' ? e : '';
  } catch {
    return '';
  }
}
