import { describe, expect, it } from 'vitest';
import { applyToxicUpdate, parseToxicCreate, toxicJson } from '../../../harness/toxiproxy/toxic-definition.ts';
import { toxicKinds } from '../../../harness/toxiproxy/toxics/index.ts';

const free = () => false;

describe('parseToxicCreate', () => {
  it('defaults stream, toxicity, name and every attribute', () => {
    const t = parseToxicCreate({ type: 'slicer' }, free);
    expect(toxicJson(t)).toEqual({
      attributes: { average_size: 0, size_variation: 0, delay: 0 },
      name: 'slicer_downstream',
      type: 'slicer',
      stream: 'downstream',
      toxicity: 1,
    });
    expect(t.direction).toBe('downstream');
  });

  it('keeps the stream as sent and builds the default name from it', () => {
    const t = parseToxicCreate({ type: 'latency', stream: 'UpStream', name: '' }, free);
    expect(t).toMatchObject({ name: 'latency_UpStream', stream: 'UpStream', direction: 'upstream' });
  });

  it('ignores unknown attributes and keys; reads the rest case-insensitively', () => {
    const t = parseToxicCreate({ TYPE: 'latency', Attributes: { Latency: 5, extra: 1 }, colour: 'red' }, free);
    expect(t.attributes).toEqual({ latency: 5, jitter: 0 });
  });

  it('checks in Toxiproxy’s order: stream, type, name conflict, attributes', () => {
    const taken = () => true;
    expect(() => parseToxicCreate({ type: 'nope', stream: 'sideways' }, taken)).toThrow('stream was invalid');
    expect(() => parseToxicCreate({ type: 'down' }, taken)).toThrow('invalid toxic type');
    expect(() => parseToxicCreate({ type: 'latency', attributes: { latency: 'x' } }, taken)).toThrow('toxic already exists');
    expect(() => parseToxicCreate({ type: 'latency', attributes: { latency: 'x' } }, free)).toThrow(
      'cannot unmarshal string into Go struct field LatencyToxic.latency of type int64',
    );
  });

  it('knows every Toxiproxy 2.12 toxic type and no "down"', () => {
    expect(Object.keys(toxicKinds).sort()).toEqual(
      ['bandwidth', 'latency', 'limit_data', 'noop', 'reset_peer', 'slicer', 'slow_close', 'timeout'].sort(),
    );
  });
});

describe('applyToxicUpdate', () => {
  const current = parseToxicCreate({ type: 'latency', attributes: { latency: 100, jitter: 10 }, toxicity: 0.5 }, free);

  it('merges attributes and keeps what is omitted', () => {
    expect(applyToxicUpdate(current, { attributes: { latency: 200 } })).toMatchObject({
      attributes: { latency: 200, jitter: 10 },
      toxicity: 0.5,
    });
    expect(applyToxicUpdate(current, { toxicity: 1, attributes: null }).attributes).toEqual({ latency: 100, jitter: 10 });
  });

  it('never changes name, type or stream', () => {
    const next = applyToxicUpdate(current, { name: 'x', type: 'timeout', stream: 'upstream' });
    expect(next).toMatchObject({ name: current.name, type: 'latency', stream: 'downstream', direction: 'downstream' });
  });
});
