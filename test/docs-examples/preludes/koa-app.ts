export {};
// A Koa application, its @koa/router router, its scopeladder integration (createKoaAuth) and a handler.
declare const app: import('koa');
declare const router: import('@koa/router').Router;
declare const auth: import('@scopeladder/koa').KoaAuth;
declare const handler: import('koa').Middleware;
