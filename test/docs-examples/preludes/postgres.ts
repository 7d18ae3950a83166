export {};
// The application's pg Pool, and the principal of the request (from authenticate()).
declare const pool: import('pg').Pool;
declare const principal: import('@scopeladder/core').Principal;
