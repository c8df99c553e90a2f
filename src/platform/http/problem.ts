import type { FastifyReply, FastifyRequest } from 'fastify';
import { normaliseError } from './normalise-error.js';

/** RFC 9457 problem+json: the wire shape of errors outside the Sales and ERP APIs. */
export function sendProblem(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const appError = normaliseError(error);
  if (appError.status >= 500) request.log.error({ err: error }, 'request failed');
  else request.log.info({ code: appError.code, status: appError.status }, appError.message);
  if (appError.headers) reply.headers(appError.headers);
  return reply
    .status(appError.status)
    .type('application/problem+json')
    .send({
      type: `urn:tandem:error:${appError.code}`,
      title: appError.code,
      status: appError.status,
      code: appError.code,
      detail: appError.message,
      ...(appError.problems ? { problems: appError.problems } : {}),
      requestId: request.id,
    });
}
