export {};
// What the first block of the page set up: the ChatShipper policy and a principal.
declare const chatshipperPolicy: typeof import('@scopeladder/core').chatshipperPolicy;
declare const alice: import('@scopeladder/core').Principal;
