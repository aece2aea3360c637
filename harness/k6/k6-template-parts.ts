import type { RequestBody } from '../scenario/request-bodies.ts';

/**
 * A scenario template (`{{uuid}}`, `{{randInt a b}}`, `{{seq}}`, `{{captured X}}`, `{{env X}}`)
 * as plain data the exported k6 script renders at run time. The scenario was validated by the
 * loader (its templates compiled with harness/load/template.ts), so parsing here cannot fail;
 * it only has to split the text the same way: same token syntax, same JSON-string rule.
 */
export type TemplateToken =
  | { t: 'uuid' }
  | { t: 'seq' }
  | { t: 'randInt'; min: number; max: number }
  | { t: 'captured'; name: string }
  | { t: 'env'; name: string }
  /** A JSON string holding templates: rendered, then JSON.stringify'd (so `"{{randInt 1 9}}"` → `"7"`). */
  | { t: 'json'; parts: TemplatePart[] };

export type TemplatePart = string | TemplateToken;

const TOKEN = /\{\{(.*?)\}\}/g;

export function templateParts(source: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let last = 0;
  for (const m of source.matchAll(TOKEN)) {
    parts.push(source.slice(last, m.index));
    last = m.index + m[0].length;
    parts.push(token((m[1] ?? '').trim()));
  }
  parts.push(source.slice(last));
  return merged(parts);
}

function token(text: string): TemplateToken {
  const [fn = '', a = '', b = ''] = text.split(/\s+/);
  switch (fn) {
    case 'uuid':
      return { t: 'uuid' };
    case 'seq':
      return { t: 'seq' };
    case 'randInt':
      return { t: 'randInt', min: Number(a), max: Number(b) };
    case 'captured':
      return { t: 'captured', name: a };
    case 'env':
      return { t: 'env', name: a };
    default:
      throw new Error(`unvalidated template {{${text}}}`);
  }
}

/** A request body as template parts: JSON text (templates only inside strings) or raw text. */
export function bodyParts(body: RequestBody): TemplatePart[] {
  if (body.kind === 'text') return templateParts(body.text);
  const parts: TemplatePart[] = [];
  writeJson(body.value, parts);
  return merged(parts);
}

/** Same walk as compileJsonTemplate: the rendered text equals the harness's byte for byte. */
function writeJson(value: unknown, out: TemplatePart[]): void {
  if (typeof value === 'string' && value.includes('{{')) {
    out.push({ t: 'json', parts: templateParts(value) });
  } else if (Array.isArray(value)) {
    out.push('[');
    value.forEach((item, i) => {
      if (i > 0) out.push(',');
      writeJson(item === undefined ? null : item, out);
    });
    out.push(']');
  } else if (value !== null && typeof value === 'object') {
    out.push('{');
    let first = true;
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      out.push(`${first ? '' : ','}${JSON.stringify(k)}:`);
      first = false;
      writeJson(v, out);
    }
    out.push('}');
  } else {
    out.push(JSON.stringify(value) ?? 'null');
  }
}

function merged(raw: TemplatePart[]): TemplatePart[] {
  const out: TemplatePart[] = [];
  for (const p of raw) {
    const prev = out.at(-1);
    if (typeof p === 'string' && typeof prev === 'string') out[out.length - 1] = prev + p;
    else if (p !== '') out.push(p);
  }
  return out;
}

/** Tokens of a part list, nested JSON strings included. */
export function tokensOf(parts: readonly TemplatePart[]): TemplateToken[] {
  return parts.flatMap((p) => (typeof p === 'string' ? [] : p.t === 'json' ? [p, ...tokensOf(p.parts)] : [p]));
}
