import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { renderJunit } from '../../../harness/report/render-junit.ts';
import { loadFixtureResult } from '../../fixtures/report/load-fixture.ts';

/**
 * Our JUnit XML is written by string concatenation with escapeXml (docs/hand-written-code.md says why
 * it is not xmlbuilder2 or junit-report-builder). This reads it back with a real XML parser,
 * fast-xml-parser, with the text that breaks hand-written XML in every place user text reaches.
 */
const NASTY = [
  'a < b && c > "d" \'e\'',
  'end of CDATA ]]> here',
  'controls \u0000\u0001\u0008\u000B\u000C\u001F\u007F kept out',
  'emoji 🚀 and 中文 and \u00e9',
  'lone surrogates \uD800 x \uDC00 y \uDBFF',
  'not a char \uFFFE\uFFFF',
  '<![CDATA[ inner ]]>',
  '&amp; already escaped &#x26;',
];
/** What XML 1.0 allows at all: tab, LF, CR, U+0020–U+D7FF, U+E000–U+FFFD and the astral planes as pairs. */
const XML_CHAR = /^(?:[\t\n\r\u0020-\uD7FF\uE000-\uFFFD]|[\uD800-\uDBFF][\uDC00-\uDFFF])*$/;

describe('junit.xml read back by fast-xml-parser', () => {
  it('is well-formed with nasty text in the suite name, the verdict reasons and fault names, and keeps that text', () => {
    const base = loadFixtureResult();
    const result = {
      ...base,
      scenario: { ...base.scenario, name: `chaos ${NASTY[0]} ${NASTY[3]}` },
      reasons: NASTY,
      faults: base.faults.map((f, i) => ({ ...f, name: `${f.name} ${NASTY[i % NASTY.length] ?? ''}` })),
    };
    const xml = renderJunit(result);
    expect(XML_CHAR.test(xml), 'only characters XML 1.0 allows').toBe(true);
    expect(XMLValidator.validate(xml)).toBe(true);
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', processEntities: true, htmlEntities: false }).parse(xml) as unknown;
    const text = JSON.stringify(parsed);
    // Each nasty string survives, with only the characters XML cannot carry replaced by U+FFFD.
    for (const s of NASTY) {
      const expected = s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
      expect(text.includes(JSON.stringify(expected).slice(1, -1)), s).toBe(true);
    }
  });
});
