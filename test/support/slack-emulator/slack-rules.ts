/**
 * What real Slack refuses in a message or a view, checked the way Slack checks it: the first
 * problem is the error code Slack answers with (`invalid_blocks`, `msg_too_long`, …) plus a
 * pointer to the offending part. Numbers come from src/slack/limits.ts, the same constants the
 * bot's builders cut to, so a message that passes here also posts in a real workspace.
 */
import {
  MAX_ACTION_ID_CHARS, MAX_ACTIONS_ELEMENTS, MAX_BLOCK_ID_CHARS, MAX_BLOCKS_PER_MESSAGE, MAX_BLOCKS_PER_VIEW, MAX_BUTTON_TEXT_CHARS,
  MAX_BUTTON_VALUE_CHARS, MAX_CALLBACK_ID_CHARS, MAX_HEADER_TEXT_CHARS, MAX_MESSAGE_BLOCKS_CHARS_OBSERVED, MAX_MESSAGE_TEXT_CHARS, MAX_MODAL_TITLE_CHARS,
  MAX_PRIVATE_METADATA_CHARS, MAX_SECTION_FIELD_CHARS, MAX_SECTION_FIELDS, MAX_SECTION_TEXT_CHARS,
} from '../../../src/slack/limits.js';

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
  if (text.length > MAX_MESSAGE_TEXT_CHARS) return { error: 'msg_too_long', detail: `text is ${text.length} characters` };
  const lists: Array<[string, unknown]> = [['blocks', blocks], ...attachments.map((a, i): [string, unknown] => [`attachments/${i}/blocks`, isObj(a) ? a.blocks : undefined])];
  for (const [path, list] of lists) {
    if (list === undefined) continue;
    const problem = checkBlocks(list, MAX_BLOCKS_PER_MESSAGE, path);
    if (problem) return problem;
    if (JSON.stringify(list).length > MAX_MESSAGE_BLOCKS_CHARS_OBSERVED) return { error: 'msg_blocks_too_long', detail: `${path} is ${JSON.stringify(list).length} characters of JSON` };
  }
  return null;
}

/** A views.open / views.update / views.publish `view`: modal rules (title, submit, close ≤ 24; submit when there is an input), ≤ 100 blocks. */
export function checkView(view: unknown): Refusal | null {
  if (!isObj(view)) return { error: 'invalid_arguments', detail: 'view must be an object' };
  if (view.type !== 'modal' && view.type !== 'home') return { error: 'invalid_arguments', detail: `view/type must be modal or home, not ${String(view.type)}` };
  if (view.type === 'modal') {
    for (const key of ['title', 'submit', 'close']) {
      const t = textOf(view[key]);
      if (key === 'title' && !t) return { error: 'invalid_arguments', detail: 'view/title is required' };
      if (t.length > MAX_MODAL_TITLE_CHARS) return { error: 'invalid_arguments', detail: `view/${key} is ${t.length} characters (max ${MAX_MODAL_TITLE_CHARS})` };
    }
    const hasInput = Array.isArray(view.blocks) && view.blocks.some((b) => isObj(b) && b.type === 'input');
    if (hasInput && !textOf(view.submit)) return { error: 'invalid_arguments', detail: 'view/submit is required when the view has an input block' };
  }
  if (typeof view.callback_id === 'string' && view.callback_id.length > MAX_CALLBACK_ID_CHARS) return { error: 'invalid_arguments', detail: 'view/callback_id too long' };
  if (typeof view.private_metadata === 'string' && view.private_metadata.length > MAX_PRIVATE_METADATA_CHARS) return { error: 'invalid_arguments', detail: 'view/private_metadata too long' };
  return checkBlocks(view.blocks, MAX_BLOCKS_PER_VIEW, 'view/blocks');
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
      if (block.block_id.length > MAX_BLOCK_ID_CHARS || ids.has(block.block_id)) return bad(`${at}/block_id: too long or not unique`);
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
      if (textOf(block.text).length > MAX_SECTION_TEXT_CHARS) return `${at}/text: ${textOf(block.text).length} characters, at most ${MAX_SECTION_TEXT_CHARS}`;
      const fields = Array.isArray(block.fields) ? block.fields : [];
      if (fields.length > MAX_SECTION_FIELDS) return `${at}/fields: at most ${MAX_SECTION_FIELDS}`;
      if (fields.some((f) => textOf(f).length > MAX_SECTION_FIELD_CHARS)) return `${at}/fields: a field is longer than ${MAX_SECTION_FIELD_CHARS}`;
      return block.accessory ? checkElement(block.accessory, `${at}/accessory`, ids) : null;
    }
    case 'header': return textOf(block.text).length > MAX_HEADER_TEXT_CHARS || !textOf(block.text) ? `${at}/text: 1–${MAX_HEADER_TEXT_CHARS} characters` : null;
    case 'actions': {
      const elements = Array.isArray(block.elements) ? block.elements : [];
      if (elements.length === 0 || elements.length > MAX_ACTIONS_ELEMENTS) return `${at}/elements: 1–${MAX_ACTIONS_ELEMENTS} elements`;
      for (const [i, e] of elements.entries()) { const p = checkElement(e, `${at}/elements/${i}`, ids); if (p) return p; }
      return null;
    }
    case 'context': {
      const elements = Array.isArray(block.elements) ? block.elements : [];
      return elements.length === 0 || elements.length > 10 ? `${at}/elements: 1–10 elements` : null;
    }
    case 'input': {
      const label = textOf(block.label);
      if (!label || label.length > 2000) return `${at}/label: 1–2000 characters`;
      if (textOf(block.hint).length > 2000) return `${at}/hint: at most 2000 characters`;
      return isObj(block.element) ? checkElement(block.element, `${at}/element`, ids) : `${at}/element: required`;
    }
    case 'divider': case 'image': case 'markdown': case 'rich_text': return null;
    default: return `${at}: unknown block type ${String(block.type)}`;
  }
}

function checkElement(element: unknown, at: string, ids: Set<string>): string | null {
  if (!isObj(element)) return `${at}: an element must be an object`;
  if (typeof element.action_id === 'string') {
    if (element.action_id.length > MAX_ACTION_ID_CHARS || ids.has(`action:${element.action_id}`)) return `${at}/action_id: too long or not unique`;
    ids.add(`action:${element.action_id}`);
  }
  if (element.type === 'static_select' || element.type === 'radio_buttons') {
    const max = element.type === 'radio_buttons' ? 10 : 100;
    const options = Array.isArray(element.options) ? element.options : [];
    if (options.length === 0 || options.length > max) return `${at}/options: 1–${max} options`;
    for (const [i, o] of options.entries()) {
      if (!isObj(o) || !textOf(o.text) || textOf(o.text).length > 75) return `${at}/options/${i}/text: 1–75 characters`;
      if (typeof o.value !== 'string' || !o.value || o.value.length > 150) return `${at}/options/${i}/value: 1–150 characters`;
    }
    if (element.placeholder !== undefined && textOf(element.placeholder).length > 150) return `${at}/placeholder: at most 150 characters`;
  }
  if (element.type === 'button') {
    const label = textOf(element.text);
    if (!label || label.length > MAX_BUTTON_TEXT_CHARS) return `${at}/text: 1–${MAX_BUTTON_TEXT_CHARS} characters`;
    if (typeof element.value === 'string' && element.value.length > MAX_BUTTON_VALUE_CHARS) return `${at}/value: at most ${MAX_BUTTON_VALUE_CHARS} characters`;
    if (element.style !== undefined && element.style !== 'primary' && element.style !== 'danger') return `${at}/style: primary or danger`;
    if (element.confirm !== undefined && !(isObj(element.confirm) && textOf(element.confirm.title) && element.confirm.text && textOf(element.confirm.confirm) && textOf(element.confirm.deny))) {
      return `${at}/confirm: needs title, text, confirm and deny`;
    }
  }
  if (element.type === 'checkboxes') {
    const options = Array.isArray(element.options) ? element.options : [];
    if (options.length === 0 || options.length > 10) return `${at}/options: 1–10 options`;
    if (options.some((o) => !textOf(isObj(o) ? o.text : undefined) || textOf(isObj(o) ? o.text : undefined).length > 75)) return `${at}/options: each text 1–75 characters`;
  }
  return null;
}
