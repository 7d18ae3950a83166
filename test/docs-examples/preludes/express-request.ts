export {};
import type {} from '@scopeladder/express'; // its `req.auth`
// The Express request being handled (`req.auth` set by @scopeladder/express).
declare const req: import('express').Request;
