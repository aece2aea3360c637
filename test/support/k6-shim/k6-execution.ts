import { shimState } from './shim-state.ts';

/** Stand-in for k6/execution: the fields exported scripts read, driven by the runner. */
const exec = {
  get scenario() {
    return { name: shimState.scenario, iterationInTest: shimState.iterationInTest };
  },
  get vu() {
    return { idInTest: shimState.vu };
  },
};

export default exec;
