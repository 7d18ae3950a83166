import { channel } from 'node:diagnostics_channel';
import { describe, expect, it } from 'vitest';
import { AUTHENTICATE_CHANNEL, CREDENTIAL_CHANNEL, DECISION_CHANNEL, DIAGNOSTICS_CHANNELS, DIAGNOSTICS_VERSION } from './index.js';

describe('diagnostics contract', () => {
  it('names three channels under the scopeladder: prefix (public API: renaming one is a breaking change)', () => {
    expect([DECISION_CHANNEL, AUTHENTICATE_CHANNEL, CREDENTIAL_CHANNEL]).toEqual([
      'scopeladder:decision',
      'scopeladder:authenticate',
      'scopeladder:credential',
    ]);
    expect(DIAGNOSTICS_CHANNELS).toEqual([DECISION_CHANNEL, AUTHENTICATE_CHANNEL, CREDENTIAL_CHANNEL]);
    expect(Object.isFrozen(DIAGNOSTICS_CHANNELS)).toBe(true);
  });

  it('is at version 1', () => {
    expect(DIAGNOSTICS_VERSION).toBe(1);
  });

  it('has nobody listening until someone subscribes (the publishers build no message then)', () => {
    for (const name of DIAGNOSTICS_CHANNELS) expect(channel(name).hasSubscribers).toBe(false);
  });
});
