import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MemoryBallast } from '../../chaos/memory-ballast.ts';
import type { AppContext } from '../app-context.ts';
import { chaosMemoryBodySchema } from '../request-schemas.ts';

function tokenMatches(header: string | undefined, token: string): boolean {
  const expected = Buffer.from(`Bearer ${token}`);
  const given = Buffer.from(header ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Registered only when CHAOS_TOKEN is set: in-process memory ballast for memory faults. */
export function registerChaosRoutes(app: FastifyInstance, ctx: AppContext, token: string): void {
  const ballast = new MemoryBallast();
  const guard = async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (!tokenMatches(req.headers.authorization, token)) {
      await reply.code(401).send({ error: 'unauthorized', message: 'needs Authorization: Bearer <CHAOS_TOKEN>' });
    }
  };
  app.post('/chaos/memory', { onRequest: guard, schema: { body: chaosMemoryBodySchema } }, async (req) => {
    const { mb } = req.body as { mb: number };
    ballast.add(mb);
    ctx.metrics.ballastBytes.set(ballast.bytes);
    return { ballastBytes: ballast.bytes };
  });
  app.delete('/chaos/memory', { onRequest: guard }, async () => {
    ballast.free();
    ctx.metrics.ballastBytes.set(0);
    return { ballastBytes: 0 };
  });
}
