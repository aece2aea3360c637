import * as z from 'zod';
import type { HogObservation } from '../../contract/fault-observation.ts';
import type { FaultEventPlan } from '../../contract/plan-types.ts';
import { StresslabError } from '../../core/stresslab-error.ts';
import { defineFaultKind } from '../fault-kind.ts';
import type { FaultContext, FaultDriver } from '../fault-kind.ts';
import { startHelper } from '../helper-process.ts';
import type { HelperProcess } from '../helper-process.ts';

interface MemoryParams {
  where: 'host' | 'target';
  mb: number;
  rampSec: number;
}

/**
 * `host`: a helper process allocates and touches `mb` MiB over `rampSec` (freed by killing it).
 * `target`: the target's own POST /chaos/memory ballast (needs its CHAOS_TOKEN), freed by DELETE.
 * A well-provisioned target keeps serving under memory pressure, so recovery counts from injection.
 */
export const memoryPressure = defineFaultKind({
  kind: 'memory-pressure',
  params: {
    where: z.enum(['host', 'target']).default('host').meta({ description: 'host: a child process allocates; target: its /chaos/memory endpoint.' }),
    mb: z.number().int().positive().max(1_048_576),
    rampSec: z.number().nonnegative().default(0),
  },
  scale: (p, factor) => ({ ...p, rampSec: Math.round(p.rampSec * factor * 1000) / 1000 }),
  recoveryAnchor: 'injection',
  describe: (p) => `${p.mb} MiB held ${p.where === 'host' ? 'by a host process' : 'inside the target'}${p.rampSec ? `, ramped over ${p.rampSec} s` : ''}`,
  touches: (p) =>
    p.where === 'target'
      ? [{ category: 'http', text: `asks the target to hold ${p.mb} MB (POST /chaos/memory, ramp ${p.rampSec}s), releases it after` }]
      : [{ category: 'process', text: `starts a child process allocating and touching ${p.mb} MB (ramp ${p.rampSec}s), kills it after` }],
  create: (event, ctx) => (event.params.where === 'host' ? hostMemory(event, ctx, event.params) : targetMemory(event, ctx, event.params)),
});

function hostMemory(event: FaultEventPlan, ctx: FaultContext, p: MemoryParams): FaultDriver {
  let hog: HelperProcess | null = null;
  let seen: HogObservation | null = null;
  return {
    async inject() {
      const maxLifetimeMs = event.removeAtMs - event.injectAtMs + 10 * 60_000;
      hog = await startHelper('memory-hog', { mb: p.mb, rampSec: p.rampSec, maxLifetimeMs }, { ctx, fault: event.name, label: `memory hog (${p.mb} MiB)` });
      ctx.log(`${event.name}: memory hog pid ${hog.pid} allocating ${p.mb} MiB`);
    },
    async remove() {
      const h = hog;
      hog = null;
      if (h === null) return;
      await h.stop();
      // The bytes it allocated and wrote, reported as it stopped (null if it was killed before).
      const touched = h.report()?.bytesTouched;
      seen = { source: 'hog', resource: 'memory', where: 'host', processes: 1, cpuSeconds: null, bytesTouched: typeof touched === 'number' ? touched : null };
    },
    observation: () => seen,
  };
}

/** The target caps one request at 16 GiB; ramps are sent in steps of about 250 ms. */
const stepMs = 250;

function targetMemory(event: FaultEventPlan, ctx: FaultContext, p: MemoryParams): FaultDriver {
  const url = `${ctx.target.baseUrl.replace(/\/$/, '')}/chaos/memory`;
  const headers: Record<string, string> = ctx.target.chaosToken ? { authorization: `Bearer ${ctx.target.chaosToken}` } : {};
  let attempted = false;
  let cancelled = false;
  let acceptedMb = 0;
  return {
    async inject() {
      attempted = true;
      await ctx.ledger.intend(event.name, { kind: 'http-request', method: 'DELETE', url, headers });
      const steps = Math.max(1, Math.ceil((p.rampSec * 1000) / stepMs));
      let sent = 0;
      for (let i = 1; i <= steps && !cancelled; i++) {
        const mb = Math.round((p.mb * i) / steps) - sent;
        if (mb > 0) await chaosRequest(url, 'POST', headers, { mb: Math.min(mb, 16_384) });
        sent += mb;
        if (mb > 0) acceptedMb += Math.min(mb, 16_384);
        if (i < steps) await new Promise((r) => setTimeout(r, stepMs));
      }
      ctx.log(`${event.name}: target ballast ${sent} MiB`);
    },
    async remove() {
      cancelled = true;
      if (attempted) await chaosRequest(url, 'DELETE', headers);
    },
    // The ballast the target accepted (each POST answered 2xx); its RSS shows in the resource samples.
    observation: () =>
      attempted ? { source: 'hog', resource: 'memory', where: 'target', processes: 0, cpuSeconds: null, bytesTouched: acceptedMb * 1024 * 1024 } : null,
  };
}

async function chaosRequest(url: string, method: 'POST' | 'DELETE', headers: Record<string, string>, body?: unknown): Promise<void> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  await res.text();
  if (!res.ok) {
    throw new StresslabError('FAULT_FAILED', `${method} ${url} answered ${res.status}`, {
      hint:
        res.status === 404 || res.status === 401
          ? 'The target needs CHAOS_TOKEN set (its /chaos routes exist only then) and the harness the same token.'
          : 'Use where: host to apply memory pressure from a separate process instead.',
    });
  }
}
