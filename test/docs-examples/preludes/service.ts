export {};
// The application's auth service (createAuthService from @scopeladder/tokens).
declare const service: import('@scopeladder/tokens').AuthService;
