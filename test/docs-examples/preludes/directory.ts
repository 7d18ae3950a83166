export {};
// The application's user directory (createMemoryDirectory, or its own database).
declare const directory: import('@scopeladder/tokens').UserDirectory;
