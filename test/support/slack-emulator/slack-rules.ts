/**
 * What real Slack refuses in a message or a view, checked the way Slack checks it: the first
 * problem is the error code Slack answers with (`invalid_blocks`, `msg_too_long`, …) plus a
 * pointer to the offending part. Numbers come from Slack's documentation (slack-limits.json),
 * not from the bot's constants, so a message that passes here also posts in a real workspace
 * even when a constant in src/ is wrong.
 */
import { documentedNumbers } from './documented-limits.js';

const SLACK = documentedNumbers([
  'MAX_ACTION_ID_CHARS', 'MAX_ACTIONS_ELEMENTS', 'MAX_BLOCK_ID_CHARS', 'MAX_BLOCKS_PER_MESSAGE', 'MAX_BLOCKS_PER_VIEW', 'MAX_BUTTON_TEXT_CHARS',
  'MAX_BUTTON_VALUE_CHARS', 'MAX_CALLBACK_ID_CHARS', 'MAX_CHECKBOX_OPTIONS', 'MAX_CONTEXT_ELEMENTS', 'MAX_HEADER_TEXT_CHARS', 'MAX_INPUT_HINT_CHARS',
  'MAX_INPUT_LABEL_CHARS', 'MAX_MARKDOWN_BLOCK_CHARS', 'MAX_MESSAGE_BLOCKS_CHARS_OBSERVED', 'MAX_MESSAGE_TEXT_CHARS', 'MAX_MODAL_CLOSE_CHARS',
  'MAX_MODAL_SUBMIT_CHARS', 'MAX_MODAL_TITLE_CHARS', 'MAX_OPTION_TEXT_CHARS', 'MAX_OPTION_VALUE_CHARS', 'MAX_PLACEHOLDER_CHARS',
  'MAX_PRIVATE_METADATA_CHARS', 'MAX_RADIO_BUTTON_OPTIONS', 'MAX_SECTION_FIELD_CHARS', 'MAX_SECTION_FIELDS', 'MAX_SECTION_TEXT_CHARS',
  'MAX_STATIC_SELECT_OPTIONS', 'MAX_URL_CHARS',
] as const);

export interface Refusal { error: string; detail: string }

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const textOf = (v: unknown): string => (isObj(v) && typeof v.text === 'string' ? v.text : '');

/** A chat.postMessage / chat.update / chat.postEphemeral / response_url body. */
export function checkMessage(body: Obj): Refusal | null {
  const blocks = body.blocks;
  const attachments = Array.isArray(body.attachments) ? body.attachments : [];
  const text = typeof body.text === 'string' ? body.text : '';
  if (blocks === undefined && attachments.length === 0 && text.trim() === '') return { error: 'no_text', detail: 'text, blocks or attachments required' };
  if (text.length > SLACK.MAX_MESSAGE_TEXT_CHARS) return { error: 'msg_too_long', detail: `text is ${text.length} characters` };
  const lists: Array<[string, unknown]> = [['blocks', blocks], ...attachments.map((a, i): [string, unknown] => [`attachments/${i}/blocks`, isObj(a) ? a.blocks : undefined])];
  for (const [path, list] of lists) {
    if (list === undefined) continue;
    const problem = checkBlocks(list, SLACK.MAX_BLOCKS_PER_MESSAGE, path);
    if (problem) return problem;
    if (JSON.stringify(list).length > SLACK.MAX_MESSAGE_BLOCKS_CHARS_OBSERVED) return { error: 'msg_blocks_too_long', detail: `${path} is ${JSON.stringify(list).length} characters of JSON` };
  }
  return null;
}

/** A views.open / views.update / views.publish `view`: modal rules (title, submit, close ≤ 24; submit when there is an input), ≤ 100 blocks. */
export function checkView(view: unknown): Refusal | null {
  if (!isObj(view)) return { error: 'invalid_arguments', detail: 'view must be an object' };
  if (view.type !== 'modal' && view.type !== 'home') return { error: 'invalid_arguments', detail: `view/type must be modal or home, not ${String(view.type)}` };
  if (view.type === 'modal') {
    const maxChars = { title: SLACK.MAX_MODAL_TITLE_CHARS, submit: SLACK.MAX_MODAL_SUBMIT_CHARS, close: SLACK.MAX_MODAL_CLOSE_CHARS };
    for (const [key, max] of Object.entries(maxChars)) {
      const t = textOf(view[key]);
      if (key === 'title' && !t) return { error: 'invalid_arguments', detail: 'view/title is required' };
      if (t.length > max) return { error: 'invalid_arguments', detail: `view/${key} is ${t.length} characters (max ${max})` };
    }
    const hasInput = Array.isArray(view.blocks) && view.blocks.some((b) => isObj(b) && b.type === 'input');
    if (hasInput && !textOf(view.submit)) return { error: 'invalid_arguments', detail: 'view/submit is required when the view has an input block' };
  }
  if (typeof view.callback_id === 'string' && view.callback_id.length > SLACK.MAX_CALLBACK_ID_CHARS) return { error: 'invalid_arguments', detail: 'view/callback_id too long' };
  if (typeof view.private_metadata === 'string' && view.private_metadata.length > SLACK.MAX_PRIVATE_METADATA_CHARS) return { error: 'invalid_arguments', detail: 'view/private_metadata too long' };
  return checkBlocks(view.blocks, SLACK.MAX_BLOCKS_PER_VIEW, 'view/blocks');
}

function checkBlocks(blocks: unknown, max: number, path: string): Refusal | null {
  const bad = (detail: string): Refusal => ({ error: 'invalid_blocks', detail });
  if (!Array.isArray(blocks)) return bad(`${path} must be an array`);
  if (blocks.length > max) return bad(`${path}: ${blocks.length} blocks, at most ${max}`);
  const ids = new Set<string>();
  for (const [i, block] of blocks.entries()) {
    const at = `${path}/${i}`;
    if (!isObj(block) || typeof block.type !== 'string') return bad(`${at}: a block needs a type`);
    if (typeof block.block_id === 'string') {
      if (block.block_id.length > SLACK.MAX_BLOCK_ID_CHARS || ids.has(block.block_id)) return bad(`${at}/block_id: too long or not unique`);
      ids.add(block.block_id);
    }
    const problem = checkBlock(block, at, ids);
    if (problem) return bad(problem);
  }
  return null;
}

function checkBlock(block: Obj, at: string, ids: Set<string>): string | null {
  switch (block.type) {
    case 'section': {
      if (!block.text && !block.fields) return `${at}: a section needs text or fields`;
      if (textOf(block.text).length > SLACK.MAX_SECTION_TEXT_CHARS) return `${at}/text: ${textOf(block.text).length} characters, at most ${SLACK.MAX_SECTION_TEXT_CHARS}`;
      const fields = Array.isArray(block.fields) ? block.fields : [];
      if (fields.length > SLACK.MAX_SECTION_FIELDS) return `${at}/fields: at most ${SLACK.MAX_SECTION_FIELDS}`;
      if (fields.some((f) => textOf(f).length > SLACK.MAX_SECTION_FIELD_CHARS)) return `${at}/fields: a field is longer than ${SLACK.MAX_SECTION_FIELD_CHARS}`;
      return block.accessory ? checkElement(block.accessory, `${at}/accessory`, ids) : null;
    }
    case 'header': return textOf(block.text).length > SLACK.MAX_HEADER_TEXT_CHARS || !textOf(block.text) ? `${at}/text: 1–${SLACK.MAX_HEADER_TEXT_CHARS} characters` : null;
    case 'actions': {
      const elements = Array.isArray(block.elements) ? block.elements : [];
      if (elements.length === 0 || elements.length > SLACK.MAX_ACTIONS_ELEMENTS) return `${at}/elements: 1–${SLACK.MAX_ACTIONS_ELEMENTS} elements`;
      for (const [i, e] of elements.entries()) { const p = checkElement(e, `${at}/elements/${i}`, ids); if (p) return p; }
      return null;
    }
    case 'context': {
      const elements = Array.isArray(block.elements) ? block.elements : [];
      return elements.length === 0 || elements.length > SLACK.MAX_CONTEXT_ELEMENTS ? `${at}/elements: 1–${SLACK.MAX_CONTEXT_ELEMENTS} elements` : null;
    }
    case 'input': {
      const label = textOf(block.label);
      if (!label || label.length > SLACK.MAX_INPUT_LABEL_CHARS) return `${at}/label: 1–${SLACK.MAX_INPUT_LABEL_CHARS} characters`;
      if (textOf(block.hint).length > SLACK.MAX_INPUT_HINT_CHARS) return `${at}/hint: at most ${SLACK.MAX_INPUT_HINT_CHARS} characters`;
      return isObj(block.element) ? checkElement(block.element, `${at}/element`, ids) : `${at}/element: required`;
    }
    case 'markdown': {
      const length = typeof block.text === 'string' ? block.text.length : 0;
      return length > SLACK.MAX_MARKDOWN_BLOCK_CHARS ? `${at}/text: ${length} characters, at most ${SLACK.MAX_MARKDOWN_BLOCK_CHARS}` : null;
    }
    case 'divider': case 'image': case 'rich_text': return null;
    default: return `${at}: unknown block type ${String(block.type)}`;
  }
}

function checkElement(element: unknown, at: string, ids: Set<string>): string | null {
  if (!isObj(element)) return `${at}: an element must be an object`;
  if (typeof element.action_id === 'string') {
    if (element.action_id.length > SLACK.MAX_ACTION_ID_CHARS || ids.has(`action:${element.action_id}`)) return `${at}/action_id: too long or not unique`;
    ids.add(`action:${element.action_id}`);
  }
  if (element.type === 'static_select' || element.type === 'radio_buttons') {
    const max = element.type === 'radio_buttons' ? SLACK.MAX_RADIO_BUTTON_OPTIONS : SLACK.MAX_STATIC_SELECT_OPTIONS;
    const options = Array.isArray(element.options) ? element.options : [];
    if (options.length === 0 || options.length > max) return `${at}/options: 1–${max} options`;
    for (const [i, o] of options.entries()) {
      if (!isObj(o) || !textOf(o.text) || textOf(o.text).length > SLACK.MAX_OPTION_TEXT_CHARS) return `${at}/options/${i}/text: 1–${SLACK.MAX_OPTION_TEXT_CHARS} characters`;
      if (typeof o.value !== 'string' || !o.value || o.value.length > SLACK.MAX_OPTION_VALUE_CHARS) return `${at}/options/${i}/value: 1–${SLACK.MAX_OPTION_VALUE_CHARS} characters`;
    }
    if (element.placeholder !== undefined && textOf(element.placeholder).length > SLACK.MAX_PLACEHOLDER_CHARS) return `${at}/placeholder: at most ${SLACK.MAX_PLACEHOLDER_CHARS} characters`;
  }
  if (element.type === 'button') {
    const label = textOf(element.text);
    if (!label || label.length > SLACK.MAX_BUTTON_TEXT_CHARS) return `${at}/text: 1–${SLACK.MAX_BUTTON_TEXT_CHARS} characters`;
    if (typeof element.value === 'string' && element.value.length > SLACK.MAX_BUTTON_VALUE_CHARS) return `${at}/value: at most ${SLACK.MAX_BUTTON_VALUE_CHARS} characters`;
    if (typeof element.url === 'string' && element.url.length > SLACK.MAX_URL_CHARS) return `${at}/url: at most ${SLACK.MAX_URL_CHARS} characters`;
    if (element.style !== undefined && element.style !== 'primary' && element.style !== 'danger') return `${at}/style: primary or danger`;
    if (element.confirm !== undefined && !(isObj(element.confirm) && textOf(element.confirm.title) && element.confirm.text && textOf(element.confirm.confirm) && textOf(element.confirm.deny))) {
      return `${at}/confirm: needs title, text, confirm and deny`;
    }
  }
  if (element.type === 'checkboxes') {
    const options = Array.isArray(element.options) ? element.options : [];
    if (options.length === 0 || options.length > SLACK.MAX_CHECKBOX_OPTIONS) return `${at}/options: 1–${SLACK.MAX_CHECKBOX_OPTIONS} options`;
    const textLength = (o: unknown): number => textOf(isObj(o) ? o.text : undefined).length;
    if (options.some((o) => textLength(o) === 0 || textLength(o) > SLACK.MAX_OPTION_TEXT_CHARS)) return `${at}/options: each text 1–${SLACK.MAX_OPTION_TEXT_CHARS} characters`;
  }
  return null;
}
