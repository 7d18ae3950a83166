export {};
// A Fastify application, and a route handler.
declare const app: import('fastify').FastifyInstance;
declare const handler: import('fastify').RouteHandlerMethod;
