export {};
// A route changing a user's role: its user directory, the user's id, the role before and the new one.
declare const users: import('@scopeladder/tokens').MemoryUserDirectory;
declare const id: string;
declare const before: import('@scopeladder/tokens').UserRecord;
declare const role: string;
