/**
 * An error the HTTP API answers with `{"error": message, "status": status}`.
 * Messages are Toxiproxy's own error strings, verbatim, because tools match on them.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export const apiErrors = {
  badRequestBody: (detail: string) => new ApiError(400, `bad request body: ${detail}`),
  missingField: (field: 'name' | 'upstream') => new ApiError(400, `missing required field: ${field}`),
  proxyNotFound: () => new ApiError(404, 'proxy not found'),
  proxyAlreadyExists: () => new ApiError(409, 'proxy already exists'),
  invalidStream: () => new ApiError(400, 'stream was invalid, can be either upstream or downstream'),
  invalidToxicType: () => new ApiError(400, 'invalid toxic type'),
  toxicAlreadyExists: () => new ApiError(409, 'toxic already exists'),
  toxicNotFound: () => new ApiError(404, 'toxic not found'),
  /** Go turns any non-API error (bind failure, bad address) into a 500 carrying the raw error text. */
  internal: (message: string) => new ApiError(500, message),
} as const;

/** Any thrown value as an ApiError: unknown failures become 500 like Go's non-ApiError path. */
export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  return apiErrors.internal(e instanceof Error ? e.message : String(e));
}
