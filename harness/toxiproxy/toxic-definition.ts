import { apiErrors } from './api-error.ts';
import { asObject, rawField, readNumber, readString } from './go-json.ts';
import type { JsonObject } from './go-json.ts';
import type { ToxicAttributes } from './toxic-stage.ts';
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
}

/** The wire shape, in Go's key order. */
export interface ToxicJson {
  attributes: ToxicAttributes;
  name: string;
  type: string;
  stream: string;
  toxicity: number;
}

export function toxicJson(t: ToxicDefinition): ToxicJson {
  return { attributes: { ...t.attributes }, name: t.name, type: t.type, stream: t.stream, toxicity: t.toxicity };
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
  return { name, type: typeText, stream, direction, toxicity, attributes };
}

/** An update body: only `attributes` (merged over the current ones) and `toxicity` are read. */
export function applyToxicUpdate(current: ToxicDefinition, body: unknown): ToxicDefinition {
  const obj = asObject(body, 'toxiproxy.ToxicWrapper');
  const toxicity = readNumber(obj, 'toxicity', 'float32', wrapper) ?? current.toxicity;
  const attributes = decodeAttributes(current.type, rawField(obj, 'attributes'), current.attributes);
  return { ...current, toxicity, attributes };
}

export function zeroAttributes(type: ToxicType): ToxicAttributes {
  return Object.fromEntries(toxicKind(type).fields.map(([field]) => [field, 0]));
}

function decodeAttributes(type: ToxicType, raw: unknown, base: ToxicAttributes): ToxicAttributes {
  if (raw === undefined || raw === null) return base;
  const kind = toxicKind(type);
  const obj: JsonObject = asObject(raw, `toxics.${kind.goStruct}`);
  const merged: Record<string, number> = {};
  for (const [field, goType] of kind.fields) {
    merged[field] = readNumber(obj, field, goType, kind.goStruct) ?? base[field] ?? 0;
  }
  return merged;
}
