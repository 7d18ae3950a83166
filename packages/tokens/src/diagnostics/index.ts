// Public entry point of @scopeladder/tokens/diagnostics: the node:diagnostics_channel contract —
// the channel names scopeladder publishes on and the messages' types (docs/observability.md).
// Subscribing costs nothing to set up; nobody subscribed, no message is built.
export { AUTHENTICATE_CHANNEL, CREDENTIAL_CHANNEL, DECISION_CHANNEL, DIAGNOSTICS_CHANNELS, DIAGNOSTICS_VERSION } from './channels.js';
export type { AuthenticateMessage, CredentialEvent, CredentialEventType, DecisionMessage, LoginFailureCause } from './messages.js';
