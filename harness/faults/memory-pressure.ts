import type { FaultEventPlan } from '../contract/plan-types.ts';
import { StresslabError } from '../core/stresslab-error.ts';
import type { FaultContext, FaultDriver, FaultKindModule, FaultParams } from './fault-kind.ts';
import { paramsOf } from './fault-kind.ts';
import { startHelper } from './helper-process.ts';
import type { HelperProcess } from './helper-process.ts';

/**
 * `host`: a helper process allocates and touches `mb` MiB over `rampSec` (freed by killing it).
 * `target`: the target's own POST /chaos/memory ballast (needs its CHAOS_TOKEN), freed by DELETE.
 */
export const memoryPressure: FaultKindModule<'memory-pressure'> = {
  kind: 'memory-pressure',
  describe: (p) => `${p.mb} MiB held ${p.where === 'host' ? 'by a host process' : 'inside the target'}${p.rampSec ? `, ramped over ${p.rampSec} s` : ''}`,
  create(event, ctx) {
    const p = paramsOf(event, 'memory-pressure');
    return p.where === 'host' ? hostMemory(event, ctx, p) : targetMemory(event, ctx, p);
  },
};

function hostMemory(event: FaultEventPlan, ctx: FaultContext, p: FaultParams<'memory-pressure'>): FaultDriver {
  let hog: HelperProcess | null = null;
  return {
    async inject() {
      const maxLifetimeMs = event.removeAtMs - event.injectAtMs + 10 * 60_000;
      hog = await startHelper('memory-hog', { mb: p.mb, rampSec: p.rampSec, maxLifetimeMs }, { ctx, fault: event.name, label: `memory hog (${p.mb} MiB)` });
      ctx.log(`${event.name}: memory hog pid ${hog.pid} allocating ${p.mb} MiB`);
    },
    async remove() {
      const h = hog;
      hog = null;
      await h?.stop();
    },
  };
}

/** The target caps one request at 16 GiB; ramps are sent in steps of about 250 ms. */
const stepMs = 250;

function targetMemory(event: FaultEventPlan, ctx: FaultContext, p: FaultParams<'memory-pressure'>): FaultDriver {
  const url = `${ctx.target.baseUrl.replace(/\/$/, '')}/chaos/memory`;
  const headers: Record<string, string> = ctx.target.chaosToken ? { authorization: `Bearer ${ctx.target.chaosToken}` } : {};
  let attempted = false;
  let cancelled = false;
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
        if (i < steps) await new Promise((r) => setTimeout(r, stepMs));
      }
      ctx.log(`${event.name}: target ballast ${sent} MiB`);
    },
    async remove() {
      cancelled = true;
      if (attempted) await chaosRequest(url, 'DELETE', headers);
    },
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
