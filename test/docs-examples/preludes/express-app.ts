export {};
// An Express application and its scopeladder integration (createExpressAuth).
declare const app: import('express').Express;
declare const auth: import('@scopeladder/express').ExpressAuth;
