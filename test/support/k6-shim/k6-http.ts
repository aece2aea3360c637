import { shimState } from './shim-state.ts';
import type { ExpectedStatusesMarker } from './shim-state.ts';

/** Stand-in for k6/http: records instead of sending (see README.md). */

interface ShimParams {
  headers?: Record<string, string>;
  tags?: Record<string, string>;
  timeout?: string | number;
  responseCallback?: ExpectedStatusesMarker;
}

export interface ShimHttpResponse {
  status: number;
  body: string;
  json(): unknown;
}

export function expectedStatuses(...statuses: number[]): ExpectedStatusesMarker {
  return { shimExpectedStatuses: statuses };
}

export function request(method: string, url: string, body?: string | null, params: ShimParams = {}): ShimHttpResponse {
  const count = shimState.records.length;
  const res = shimState.respond({ method, url, count, vu: shimState.vu });
  shimState.records.push({
    vu: shimState.vu,
    scenario: shimState.scenario,
    iterationInTest: shimState.iterationInTest,
    method,
    url,
    body: body ?? null,
    headers: { ...(params.headers ?? {}) },
    tags: { ...(params.tags ?? {}) },
    timeout: params.timeout ?? null,
    expectedStatuses: params.responseCallback?.shimExpectedStatuses ?? null,
    responseStatus: res.status,
    responseBody: res.body,
  });
  return { status: res.status, body: res.body, json: () => JSON.parse(res.body) as unknown };
}

export default { request, expectedStatuses };
