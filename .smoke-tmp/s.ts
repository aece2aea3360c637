import { startResourceSampler } from '../harness/metrics/resource-sampler.ts';
import { monotonicClock } from '../harness/run/clock.ts';
const clock = monotonicClock();
const s = startResourceSampler({ clock, intervalMs: 500, targetPid: () => process.ppid, onSample: (x) => console.log(JSON.stringify(x)) });
await s.ready;
console.log('ready at', clock.nowMs());
await new Promise((r) => setTimeout(r, 2200));
console.log(await s.stop(), clock.nowMs());
