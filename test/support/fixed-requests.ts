import type { PreparedRequest, RequestFactory } from '../../harness/load/engine.ts';

/** A RequestFactory that always sends the same request (tests of engines, not of the request mix). */
export function fixedRequests(overrides: Partial<PreparedRequest> = {}): RequestFactory & { calls: number; vus: Set<number> } {
  const req: PreparedRequest = { name: 'get', method: 'GET', path: '/', headers: {}, body: undefined, expectedStatuses: undefined, constant: true, ...overrides };
  const factory = {
    calls: 0,
    vus: new Set<number>(),
    next(vu: number): PreparedRequest {
      factory.calls++;
      factory.vus.add(vu);
      return req;
    },
  };
  return factory;
}
