import type { FastifyRequest } from 'fastify';
import type { WorkFactor } from '../work-factor.ts';

/** The CPU milliseconds each request spent in directly measured work (JSON parsing, the pipeline). */
export class WorkMeter {
  private readonly spent = new WeakMap<FastifyRequest, number>();

  constructor(private readonly workFactor: WorkFactor) {}

  add(req: FastifyRequest, ms: number): void {
    if (this.workFactor.factor > 1) this.spent.set(req, (this.spent.get(req) ?? 0) + ms);
  }

  /** Called once per request before its response is sent: burns the work factor's extra CPU. */
  settle(req: FastifyRequest): void {
    this.workFactor.payForRequest(this.spent.get(req) ?? 0);
  }
}
