import { apiErrors } from './api-error.ts';
import { asObject, rawField, readNumber, readString } from './go-json.ts';
import type { JsonObject } from './go-json.ts';
import type { ToxicAttributeValue, ToxicAttributes } from './toxic-stage.ts';
import { isToxicType, toxicKind } from './toxics/index.ts';
import type { ToxicType } from './toxics/index.ts';

export type Direction = 'upstream' | 'downstream';

/** A toxic as configured on a proxy (what the API stores and echoes). */
export interface ToxicDefinition {
  readonly name: string;
  readonly type: ToxicType;
  /** The stream exactly as sent (Go echoes "UPSTREAM" as "UPSTREAM"); `direction` is what it means. */
  readonly stream: string;
  readonly direction: Direction;
  readonly toxicity: number;
  readonly attributes: ToxicAttributes;
  /**
   * ms after which the proxy removes the toxic by itself (0 = never), counted from its creation or
   * from the update that last set it. Not a Toxiproxy field: sent as the attribute `ttl` (or a
   * top-level `ttl`), and echoed as the attribute `ttl` only when set, so other toxics' JSON is unchanged.
   */
  readonly ttlMs: number;
}

/** The wire shape, in Go's key order. */
export interface ToxicJson {
  attributes: Record<string, ToxicAttributeValue>;
  name: string;
  type: string;
  stream: string;
  toxicity: number;
}

export function toxicJson(t: ToxicDefinition): ToxicJson {
  const attributes: Record<string, ToxicAttributeValue> = { ...t.attributes };
  if (t.ttlMs > 0) attributes.ttl = t.ttlMs;
  return { attributes, name: t.name, type: t.type, stream: t.stream, toxicity: t.toxicity };
}

/**
 * The `ttl` a body sets, if any: the attribute `ttl` (what the official client's typed `attributes`
 * can carry) wins over a top-level `ttl`. Negative values mean "no expiry", like 0.
 */
export function readTtl(body: unknown): number | undefined {
  const obj = asObject(body, 'toxiproxy.ToxicWrapper');
  const attributes = rawField(obj, 'attributes');
  const fromAttributes =
    attributes !== null && typeof attributes === 'object' && !Array.isArray(attributes)
      ? readNumber(attributes as JsonObject, 'ttl', 'int64', wrapper)
      : undefined;
  const ttl = fromAttributes ?? readNumber(obj, 'ttl', 'int64', wrapper);
  return ttl === undefined ? undefined : Math.max(0, ttl);
}

const wrapper = 'ToxicWrapper';

function parseDirection(stream: string): Direction {
  const lower = stream.toLowerCase();
  if (lower === 'upstream' || lower === 'downstream') return lower;
  throw apiErrors.invalidStream();
}

/**
 * A create-toxic body, checked in Toxiproxy's order: stream, default name, type, name conflict (in either
 * stream), then attributes for the now-known type.
 */
export function parseToxicCreate(body: unknown, nameTaken: (name: string) => boolean): ToxicDefinition {
  const obj = asObject(body, 'toxiproxy.ToxicWrapper');
  const stream = readString(obj, 'stream', wrapper) ?? 'downstream';
  const typeText = readString(obj, 'type', wrapper) ?? '';
  const toxicity = readNumber(obj, 'toxicity', 'float32', wrapper) ?? 1;
  const direction = parseDirection(stream);
  const name = readString(obj, 'name', wrapper) || `${typeText}_${stream}`;
  if (!isToxicType(typeText)) throw apiErrors.invalidToxicType();
  if (nameTaken(name)) throw apiErrors.toxicAlreadyExists();
  const attributes = decodeAttributes(typeText, rawField(obj, 'attributes'), zeroAttributes(typeText));
  return { name, type: typeText, stream, direction, toxicity, attributes, ttlMs: readTtl(obj) ?? 0 };
}

/** An update body: only `attributes` (merged over the current ones) and `toxicity` are read. */
export function applyToxicUpdate(current: ToxicDefinition, body: unknown): ToxicDefinition {
  const obj = asObject(body, 'toxiproxy.ToxicWrapper');
  const toxicity = readNumber(obj, 'toxicity', 'float32', wrapper) ?? current.toxicity;
  const attributes = decodeAttributes(current.type, rawField(obj, 'attributes'), current.attributes);
  return { ...current, toxicity, attributes, ttlMs: readTtl(obj) ?? current.ttlMs };
}

/** Every field at its default: the kind's own default, else Go's zero value (0 or ""). */
export function zeroAttributes(type: ToxicType): ToxicAttributes {
  const kind = toxicKind(type);
  return Object.fromEntries(
    kind.fields.map(([field, goType]) => [field, kind.defaults?.[field] ?? (goType === 'string' ? '' : 0)]),
  );
}

function decodeAttributes(type: ToxicType, raw: unknown, base: ToxicAttributes): ToxicAttributes {
  if (raw === undefined || raw === null) return base;
  const kind = toxicKind(type);
  const obj: JsonObject = asObject(raw, `toxics.${kind.goStruct}`);
  const merged: Record<string, ToxicAttributeValue> = {};
  for (const [field, goType] of kind.fields) {
    const value = goType === 'string' ? readString(obj, field, kind.goStruct) : readNumber(obj, field, goType, kind.goStruct);
    merged[field] = value ?? base[field] ?? (goType === 'string' ? '' : 0);
  }
  kind.validate?.(merged);
  return merged;
}
