/** What the shim knows about the simulated k6 run, shared by the shim modules and the runner. */

export interface RecordedRequest {
  vu: number;
  scenario: string;
  iterationInTest: number;
  method: string;
  url: string;
  body: string | null;
  headers: Record<string, string>;
  tags: Record<string, string>;
  timeout: string | number | null;
  /** From `http.expectedStatuses(...)` in params.responseCallback; null when none was set. */
  expectedStatuses: number[] | null;
  responseStatus: number;
  responseBody: string;
}

export interface ShimResponse {
  status: number;
  body: string;
}

export const shimState = {
  vu: 0,
  scenario: '',
  iterationInTest: 0,
  records: [] as RecordedRequest[],
  /** Files the script opened with open(), in order (paths as the script gave them). */
  opens: [] as string[],
  /** SharedArray names whose callback ran. */
  sharedArrayBuilds: [] as string[],
  respond: (_req: { method: string; url: string; count: number; vu: number }): ShimResponse => ({ status: 200, body: '{}' }),
};

/** The marker `http.expectedStatuses` returns, so the recorder can see which statuses a request expects. */
export interface ExpectedStatusesMarker {
  readonly shimExpectedStatuses: number[];
}
