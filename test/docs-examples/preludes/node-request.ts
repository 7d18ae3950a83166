export {};
// A bare node:http request being handled, its parsed body, and a failure to answer.
declare const req: import('node:http').IncomingMessage;
declare const body: unknown;
declare const error: unknown;
declare const users: { get(id: string): { id: string } | undefined };
declare function idOf(request: import('node:http').IncomingMessage): string;
