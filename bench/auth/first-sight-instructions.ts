// Instructions per call, counted by valgrind (callgrind): `authenticate` on never-seen tokens vs
// jose's `jwtVerify` on the same kind of tokens with the same options — the companion of
// first-sight.ts for a machine too busy for wall times to mean anything (an instruction count does
// not depend on the load). It counts every thread (the crypto thread pool too), not the time spent
// waiting for them.
//
//   node first-sight-instructions.js <hs|ed> <jose|service> <calls>
//
// warms up on 2000 tokens, then makes `calls` calls, each on a token not seen before. Run it twice
// under callgrind, with 0 and with N calls; (Ir(N) − Ir(0)) / N is the steady-state count per
// call. It is bundled first (valgrind on tsx would count the compiler), with @scopeladder/tokens
// aliased to the sources to measure — see bench/RESULTS.md for the exact commands.
import { generateKeyPairSync, webcrypto } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import { createAuthService, createMemoryDirectory } from '@scopeladder/tokens';

const WARM_UP = 2000;
const ISSUER = 'https://i.invalid';
const AUDIENCE = 'aud';

const [which = 'hs', mode = 'jose', callsArg = '1000'] = process.argv.slice(2);
const calls = Number(callsArg);
if ((which !== 'hs' && which !== 'ed') || (mode !== 'jose' && mode !== 'service') || !Number.isSafeInteger(calls) || calls < 0) {
  throw new TypeError('usage: first-sight-instructions <hs|ed> <jose|service> <calls>');
}
const secret = 'a'.repeat(64);
const ed = generateKeyPairSync('ed25519');
const now = Math.floor(Date.now() / 1000);
const hmacKey = await webcrypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
  'sign',
  'verify',
]);
const tokens: string[] = [];
for (let i = 0; i < WARM_UP + calls; i++) {
  const id = (i + 1e6).toString(16).padStart(24, '0');
  tokens.push(
    await new SignJWT({ client_id: 'scopeladder', scope: 'agent', sid: `s${id}` })
      .setProtectedHeader(which === 'hs' ? { alg: 'HS256', typ: 'at+jwt' } : { alg: 'EdDSA', typ: 'at+jwt', kid: 'k1' })
      .setSubject(id)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(now)
      .setExpirationTime(now + 3600)
      .setJti(`j${id}`)
      .sign(which === 'hs' ? hmacKey : ed.privateKey),
  );
}
const headers = tokens.map((t) => `Bearer ${t}`);
const service = createAuthService({
  directory: createMemoryDirectory([]),
  keys: which === 'hs' ? { algorithm: 'HS256', secret } : { algorithm: 'EdDSA', keys: [{ kid: 'k1', privateKey: ed.privateKey }] },
  issuer: ISSUER,
  audience: AUDIENCE,
  throttle: false,
});
const joseKey = which === 'hs' ? hmacKey : ed.publicKey;
// What the service's verifier passes jose, at the service defaults (24 h lifetime, 5 s tolerance).
const joseOptions = {
  algorithms: [which === 'hs' ? 'HS256' : 'EdDSA'],
  typ: 'at+jwt',
  issuer: ISSUER,
  audience: AUDIENCE,
  requiredClaims: ['sub', 'scope', 'iat', 'exp', 'jti', 'iss', 'aud', 'sid'],
  clockTolerance: 5,
  maxTokenAge: 86_400,
};
const call =
  mode === 'jose'
    ? (i: number) => jwtVerify(tokens[i] as string, joseKey, { ...joseOptions, currentDate: new Date() })
    : (i: number) => service.authenticate(headers[i] as string);
for (let i = 0; i < WARM_UP; i++) await call(i);
const start = performance.now();
for (let i = WARM_UP; i < WARM_UP + calls; i++) await call(i);
console.log(
  `${which} ${mode}: ${calls} calls, ${(((performance.now() - start) * 1000) / Math.max(calls, 1)).toFixed(1)} µs/call (under valgrind: meaningless)`,
);
