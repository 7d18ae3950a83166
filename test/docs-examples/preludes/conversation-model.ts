export {};
// A database model of conversations (Mongoose-like), and the principal of the request.
declare const Conversation: { find(query: object): Promise<unknown[]> };
declare const principal: import('@scopeladder/core').Principal;
