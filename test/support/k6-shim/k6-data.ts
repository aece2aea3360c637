import { shimState } from './shim-state.ts';

/**
 * Stand-in for `k6/data`'s SharedArray: one array per name for the whole simulated run, however
 * many VUs import the script (one module instance serves them all), and frozen like k6's. The
 * callback runs once, as in k6, where only the first VU's init context builds the data.
 */
const arrays = new Map<string, readonly unknown[]>();

export const SharedArray = class {
  constructor(name: string, callback: () => unknown[]) {
    let data = arrays.get(name);
    if (data === undefined) {
      shimState.sharedArrayBuilds.push(name);
      data = Object.freeze(callback().map((x) => deepFreeze(x)));
      arrays.set(name, data);
    }
    return data as unknown as object;
  }
};

function deepFreeze<T>(x: T): T {
  if (x !== null && typeof x === 'object') {
    for (const v of Object.values(x)) deepFreeze(v);
    Object.freeze(x);
  }
  return x;
}
