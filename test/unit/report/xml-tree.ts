/**
 * A small strict XML 1.0 parser for tests (no dependency may be added): it rejects what
 * a CI system's parser rejects — mismatched or unclosed tags, a raw `<` or `&` in text or
 * attributes, unknown entities, duplicate attributes, characters XML forbids, two roots.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const NAME = /^[A-Za-z_][\w.-]*/;
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

function decode(raw: string, where: number): string {
  if (raw.includes('<')) throw new Error(`raw '<' at ${where}`);
  if (FORBIDDEN.test(raw)) throw new Error(`forbidden character at ${where}`);
  return raw.replace(/&([^;]*);?/g, (m, body: string) => {
    if (!m.endsWith(';')) throw new Error(`bare '&' at ${where}`);
    if (body.startsWith('#x')) return String.fromCodePoint(parseInt(body.slice(2), 16));
    if (body.startsWith('#')) return String.fromCodePoint(parseInt(body.slice(1), 10));
    const v = ENTITIES[body];
    if (v === undefined) throw new Error(`unknown entity &${body}; at ${where}`);
    return v;
  });
}

export function parseXml(xml: string): XmlElement {
  let i = 0;
  const skipMisc = (): void => {
    for (;;) {
      const ws = /^\s*/.exec(xml.slice(i));
      i += ws ? ws[0].length : 0;
      if (xml.startsWith('<?', i)) i = xml.indexOf('?>', i) + 2;
      else if (xml.startsWith('<!--', i)) i = xml.indexOf('-->', i) + 3;
      else return;
      if (i < 2) throw new Error('unterminated declaration or comment');
    }
  };
  const parseElement = (): XmlElement => {
    if (xml[i] !== '<') throw new Error(`expected '<' at ${i}`);
    i += 1;
    const name = NAME.exec(xml.slice(i))?.[0];
    if (!name) throw new Error(`bad tag name at ${i}`);
    i += name.length;
    const el: XmlElement = { name, attrs: {}, children: [], text: '' };
    for (;;) {
      const m = /^\s+([A-Za-z_][\w.:-]*)\s*=\s*(["'])/.exec(xml.slice(i));
      if (!m) break;
      const [all, key, quote] = m as unknown as [string, string, string];
      const end = xml.indexOf(quote, i + all.length);
      if (end < 0) throw new Error(`unterminated attribute at ${i}`);
      if (key in el.attrs) throw new Error(`duplicate attribute ${key} at ${i}`);
      el.attrs[key] = decode(xml.slice(i + all.length, end), i);
      i = end + 1;
    }
    const close = /^\s*(\/?)>/.exec(xml.slice(i));
    if (!close) throw new Error(`malformed start tag <${name}> at ${i}`);
    i += close[0].length;
    if (close[1] === '/') return el;
    for (;;) {
      const next = xml.indexOf('<', i);
      if (next < 0) throw new Error(`<${name}> not closed`);
      el.text += decode(xml.slice(i, next), i);
      i = next;
      if (xml.startsWith('</', i)) {
        const endTag = `</${name}>`;
        if (!xml.startsWith(endTag, i)) throw new Error(`mismatched end tag at ${i}, expected ${endTag}`);
        i += endTag.length;
        return el;
      }
      if (xml.startsWith('<!--', i)) i = xml.indexOf('-->', i) + 3;
      else if (xml.startsWith('<![CDATA[', i)) {
        const end = xml.indexOf(']]>', i);
        el.text += xml.slice(i + 9, end);
        i = end + 3;
      } else el.children.push(parseElement());
    }
  };
  skipMisc();
  const root = parseElement();
  skipMisc();
  if (i !== xml.length) throw new Error(`content after the root element at ${i}`);
  return root;
}

/** Every descendant element named `name`, depth first. */
export function findAll(el: XmlElement, name: string): XmlElement[] {
  return el.children.flatMap((c) => [...(c.name === name ? [c] : []), ...findAll(c, name)]);
}
