import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../harness/toxiproxy/api-error.ts';
import { asArray, asObject, parseJsonBody, readBool, readNumber, readString } from '../../../harness/toxiproxy/go-json.ts';

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).status).toBe(400);
    return (e as ApiError).message;
  }
  throw new Error('expected an ApiError');
}

describe('parseJsonBody', () => {
  it('reports an empty body as Go’s EOF and a cut-off body as unexpected EOF', () => {
    expect(messageOf(() => parseJsonBody(''))).toBe('bad request body: EOF');
    expect(messageOf(() => parseJsonBody('  \n'))).toBe('bad request body: EOF');
    expect(messageOf(() => parseJsonBody('{"name":'))).toBe('bad request body: unexpected EOF');
  });

  it('names the offending character like Go’s scanner', () => {
    expect(messageOf(() => parseJsonBody('xyz'))).toBe("bad request body: invalid character 'x' looking for beginning of value");
  });

  it('reads only the first JSON value, ignoring what follows', () => {
    expect(parseJsonBody('{"name":"a"} trailing')).toEqual({ name: 'a' });
    expect(parseJsonBody('[1,{"x":"]"}]\n[2]')).toEqual([1, { x: ']' }]);
  });
});

describe('typed fields', () => {
  const obj = { Name: 'a', enabled: null, rate: 1.5, count: 3, flag: 'yes', name: 'b' };

  it('matches keys case-insensitively, the last match winning', () => {
    expect(readString(obj, 'name', 'Proxy')).toBe('b');
  });

  it('treats null and absent as unset', () => {
    expect(readBool(obj, 'enabled', 'Proxy')).toBeUndefined();
    expect(readBool(obj, 'missing', 'Proxy')).toBeUndefined();
  });

  it('rejects type mismatches with Go’s wording', () => {
    expect(messageOf(() => readBool(obj, 'flag', 'Proxy'))).toBe(
      'bad request body: json: cannot unmarshal string into Go struct field Proxy.flag of type bool',
    );
    expect(messageOf(() => readNumber(obj, 'rate', 'int64', 'BandwidthToxic'))).toBe(
      'bad request body: json: cannot unmarshal number 1.5 into Go struct field BandwidthToxic.rate of type int64',
    );
    expect(readNumber(obj, 'rate', 'float32', 'ToxicWrapper')).toBe(1.5);
    expect(readNumber(obj, 'count', 'int', 'SlicerToxic')).toBe(3);
  });

  it('checks top-level shapes', () => {
    expect(asObject(null, 'toxiproxy.Proxy')).toEqual({});
    expect(messageOf(() => asObject([1], 'toxiproxy.Proxy'))).toBe(
      'bad request body: json: cannot unmarshal array into Go value of type toxiproxy.Proxy',
    );
    expect(messageOf(() => asArray('x', '[]toxiproxy.Proxy'))).toBe(
      'bad request body: json: cannot unmarshal string into Go value of type []toxiproxy.Proxy',
    );
  });
});
