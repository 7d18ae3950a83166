export {};
// The application's logger of unexpected errors.
declare const onError: (error: unknown) => void;
