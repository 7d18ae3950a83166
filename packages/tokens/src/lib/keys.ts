import { KeyObject, createPrivateKey, createPublicKey, webcrypto, type JsonWebKey } from 'node:crypto';

/**
 * The algorithms access tokens may be signed with. Nothing else is ever accepted.
 *
 * @example
 * ```ts
 * const algorithm: SigningAlgorithm = 'EdDSA';
 * ```
 */
export type SigningAlgorithm = 'HS256' | 'EdDSA' | 'ES256';

/**
 * A key as the options accept it: a Node `KeyObject`, a WebCrypto `CryptoKey`, a JWK object, or
 * a PEM string (PKCS#8 private key, SPKI public key).
 *
 * @example
 * ```ts
 * const key: KeyInput = readFileSync('signing-key.pem', 'utf8');
 * ```
 */
export type KeyInput = KeyObject | webcrypto.CryptoKey | JsonWebKey | string;

/**
 * HS256 signing: one shared secret of at least 32 bytes.
 *
 * @example
 * ```ts
 * const keys: HmacKeysOptions = { algorithm: 'HS256', secret: process.env.JWT_SECRET! };
 * ```
 */
export interface HmacKeysOptions {
  readonly algorithm: 'HS256';
  /** At least 32 bytes (a string counts its UTF-8 bytes). Generate with `randomBytes(32)`. */
  readonly secret: string | Uint8Array;
  /** Optional key id written into the `kid` header (and then required on verify). */
  readonly kid?: string | undefined;
}

/**
 * One key of an asymmetric key set.
 *
 * @example
 * ```ts
 * const entry: AsymmetricKeyEntry = { kid: '2026-01', privateKey: pkcs8Pem }; // public key derived
 * ```
 */
export interface AsymmetricKeyEntry {
  /** Unique key id, written into the `kid` header; tokens are verified only by the key with their kid. */
  readonly kid: string;
  /** Required for the first (signing) key; retired keys may give only `publicKey`. */
  readonly privateKey?: KeyInput | undefined;
  /** Derived from `privateKey` when omitted; must match it when both are given. */
  readonly publicKey?: KeyInput | undefined;
}

/**
 * EdDSA (Ed25519) or ES256 (P-256) signing with a rotating key set.
 *
 * @example
 * ```ts
 * import { generateKeyPairSync } from 'node:crypto';
 *
 * const keys: AsymmetricKeysOptions = {
 *   algorithm: 'EdDSA',
 *   keys: [
 *     { kid: '2026-02', ...generateKeyPairSync('ed25519') },      // signs new tokens
 *     { kid: '2026-01', publicKey: previousPublicKeyPem },          // still verifies older ones
 *   ],
 * };
 * ```
 */
export interface AsymmetricKeysOptions {
  readonly algorithm: 'EdDSA' | 'ES256';
  /**
   * Newest first: `keys[0]` signs new tokens (unless `signingKid` names another); every key is
   * published by `jwks()` and verifies tokens carrying its `kid` until it is removed from the list
   * (retire a key once the tokens it signed have expired).
   */
  readonly keys: readonly AsymmetricKeyEntry[];
  /**
   * The `kid` of the key that signs new tokens; it must have a `privateKey`. Default `keys[0]`'s.
   * Name the current key here while `keys[0]` is a new one that is only published: remote
   * verifiers (jose's `createRemoteJWKSet`) cache the JWKS, so a new key must be in it before
   * the first token it signs (see the tokens README, "Rotating keys with remote verifiers").
   */
  readonly signingKid?: string | undefined;
}

/**
 * The `keys` option of `createAuthService`.
 *
 * @example
 * ```ts
 * const keys: SigningKeysOptions = { algorithm: 'HS256', secret: randomBytes(32) };
 * ```
 */
export type SigningKeysOptions = HmacKeysOptions | AsymmetricKeysOptions;

/** A verification key, ready for jose. */
export type VerificationKey = KeyObject | webcrypto.CryptoKey;

/** The validated key material of a service. */
export interface KeyRing {
  readonly algorithm: SigningAlgorithm;
  /** The `kid` of new tokens (`undefined`: no kid header, HS256 only). */
  readonly signingKid: string | undefined;
  /** The key new tokens are signed with. */
  signingKey(): Promise<VerificationKey>;
  /**
   * The key that verifies a token with this `kid` header value, or `undefined`. Looks up only
   * among configured keys (a Map: no path, prototype or injection tricks reach anything else).
   */
  verificationKey(kid: unknown): Promise<VerificationKey> | undefined;
  /** Public JWKs (asymmetric only). */
  readonly publicJwks: readonly PublicJsonWebKey[];
}

/**
 * One public signing key as `AuthService.jwks()` publishes it (RFC 7517): never a private part.
 * Assignable to jose's `JWK`.
 *
 * @example
 * ```ts
 * const key: PublicJsonWebKey = { kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo', kid: '2026-02', alg: 'EdDSA', use: 'sig' };
 * ```
 */
export interface PublicJsonWebKey {
  /** `OKP` (Ed25519) or `EC` (P-256). */
  readonly kty: 'OKP' | 'EC';
  readonly crv: 'Ed25519' | 'P-256';
  readonly x: string;
  /** EC keys only. */
  readonly y?: string;
  readonly kid: string;
  readonly alg: 'EdDSA' | 'ES256';
  readonly use: 'sig';
}

/**
 * What `AuthService.jwks()` resolves: a JWK Set (RFC 7517 §5) that jose's `createLocalJWKSet`
 * takes as it is (its `JSONWebKeySet`), and that a `/.well-known/jwks.json` route serves.
 *
 * @example
 * ```ts
 * import { createLocalJWKSet, jwtVerify } from 'jose';
 *
 * const set: JsonWebKeySet = await service.jwks();
 * const { payload } = await jwtVerify(token, createLocalJWKSet(set), { algorithms: ['EdDSA'] });
 * ```
 */
export interface JsonWebKeySet {
  /** Newest first; a fresh array on every call (the caller may keep or change it). */
  keys: PublicJsonWebKey[];
}

const KID = /^[\x21-\x7e]{1,128}$/;
const MIN_SECRET_BYTES = 32;

/** Validates the `keys` option and prepares the key ring. Throws `TypeError` naming the option. */
export function createKeyRing(options: unknown): KeyRing {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError("keys is required: { algorithm: 'HS256', secret } or { algorithm: 'EdDSA' | 'ES256', keys: [...] }");
  }
  const { algorithm } = options as { algorithm?: unknown };
  if (algorithm === 'HS256') return createHmacKeyRing(options as HmacKeysOptions);
  if (algorithm === 'EdDSA' || algorithm === 'ES256') return createAsymmetricKeyRing(options as AsymmetricKeysOptions);
  throw new TypeError("keys.algorithm must be 'HS256', 'EdDSA' or 'ES256'");
}

function createHmacKeyRing(options: HmacKeysOptions): KeyRing {
  const { secret, kid } = options;
  let bytes: Uint8Array;
  if (typeof secret === 'string') bytes = new TextEncoder().encode(secret);
  else if (secret instanceof Uint8Array) bytes = new Uint8Array(secret);
  else throw new TypeError('keys.secret must be a string or a Uint8Array of at least 32 bytes');
  if (bytes.byteLength < MIN_SECRET_BYTES) {
    throw new TypeError(`keys.secret must be at least ${MIN_SECRET_BYTES} bytes (got ${bytes.byteLength})`);
  }
  if (kid !== undefined && (typeof kid !== 'string' || !KID.test(kid))) {
    throw new TypeError('keys.kid must be 1 to 128 printable ASCII characters');
  }
  // Imported once, lazily (construction is synchronous); jose would re-import raw bytes per call.
  let imported: Promise<webcrypto.CryptoKey> | undefined;
  const key = (): Promise<webcrypto.CryptoKey> =>
    (imported ??= webcrypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']));
  return {
    algorithm: 'HS256',
    signingKid: kid,
    signingKey: key,
    verificationKey: (headerKid) => (headerKid === kid ? key() : undefined),
    publicJwks: [],
  };
}

function createAsymmetricKeyRing(options: AsymmetricKeysOptions): KeyRing {
  const { algorithm, keys } = options;
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new TypeError('keys.keys must be a non-empty array of { kid, privateKey, publicKey } (newest first)');
  }
  const { signingKid: chosenKid } = options;
  if (chosenKid !== undefined && (typeof chosenKid !== 'string' || !KID.test(chosenKid))) {
    throw new TypeError('keys.signingKid must be 1 to 128 printable ASCII characters');
  }
  const byKid = new Map<string, KeyObject>();
  const privateByKid = new Map<string, KeyObject>();
  const publicJwks: PublicJsonWebKey[] = [];
  (keys as readonly AsymmetricKeyEntry[]).forEach((entry, index) => {
    const where = `keys.keys[${index}]`;
    if (typeof entry !== 'object' || entry === null) throw new TypeError(`${where} must be { kid, privateKey, publicKey }`);
    const { kid, privateKey, publicKey } = entry;
    if (typeof kid !== 'string' || !KID.test(kid)) throw new TypeError(`${where}.kid must be 1 to 128 printable ASCII characters`);
    if (byKid.has(kid)) throw new TypeError(`${where}.kid duplicates an earlier kid`);
    const priv = privateKey === undefined ? undefined : toKeyObject(privateKey, 'private', `${where}.privateKey`);
    const pub = publicKey === undefined ? undefined : toKeyObject(publicKey, 'public', `${where}.publicKey`);
    if (index === 0 && priv === undefined && chosenKid === undefined) {
      throw new TypeError('keys.keys[0].privateKey is required: the first key signs (or name another in keys.signingKid)');
    }
    if (priv === undefined && pub === undefined) throw new TypeError(`${where} needs a publicKey or a privateKey`);
    const verify = pub ?? createPublicKey(priv as KeyObject);
    checkKeyType(verify, algorithm, where);
    if (priv !== undefined && pub !== undefined && !samePublicKey(createPublicKey(priv), pub)) {
      throw new TypeError(`${where}.publicKey does not match its privateKey`);
    }
    if (priv !== undefined) privateByKid.set(kid, priv);
    byKid.set(kid, verify);
    const { kty, crv, x, y } = verify.export({ format: 'jwk' });
    publicJwks.push(
      Object.freeze({
        kty: kty as PublicJsonWebKey['kty'],
        crv: crv as PublicJsonWebKey['crv'],
        x: x as string,
        ...(y === undefined ? {} : { y }),
        kid,
        alg: algorithm,
        use: 'sig' as const,
      }),
    );
  });
  const signingKid = chosenKid ?? (keys[0] as AsymmetricKeyEntry).kid;
  const signingKey = privateByKid.get(signingKid);
  if (signingKey === undefined) {
    throw new TypeError(
      byKid.has(signingKid)
        ? `keys.signingKid "${signingKid}" names a key without a privateKey: the signing key needs one`
        : `keys.signingKid "${signingKid}" is not the kid of any key in keys.keys`,
    );
  }
  return {
    algorithm,
    signingKid,
    signingKey: () => Promise.resolve(signingKey),
    verificationKey: (headerKid) => {
      if (typeof headerKid !== 'string') return undefined;
      const key = byKid.get(headerKid);
      return key === undefined ? undefined : Promise.resolve(key);
    },
    publicJwks: Object.freeze(publicJwks),
  };
}

function toKeyObject(input: KeyInput, type: 'private' | 'public', where: string): KeyObject {
  try {
    let key: KeyObject;
    if (input instanceof KeyObject) key = input;
    else if (isCryptoKey(input)) key = KeyObject.from(input);
    else if (typeof input === 'string') key = type === 'private' ? createPrivateKey(input) : createPublicKey(input);
    else if (typeof input === 'object' && input !== null) {
      const jwk = { key: input as JsonWebKey, format: 'jwk' as const };
      key = type === 'private' ? createPrivateKey(jwk) : createPublicKey(jwk);
    } else throw new TypeError('unsupported key input');
    // A private key given as the public one: use its public half.
    if (type === 'public' && key.type === 'private') key = createPublicKey(key);
    if (key.type !== type) throw new TypeError(`not a ${type} key`);
    return key;
  } catch {
    throw new TypeError(`${where} must be a ${type} key (KeyObject, CryptoKey, JWK or PEM)`);
  }
}

function isCryptoKey(value: unknown): value is webcrypto.CryptoKey {
  return typeof webcrypto.CryptoKey === 'function' && value instanceof webcrypto.CryptoKey;
}

function checkKeyType(key: KeyObject, algorithm: 'EdDSA' | 'ES256', where: string): void {
  if (algorithm === 'EdDSA' && key.asymmetricKeyType !== 'ed25519') {
    throw new TypeError(`${where} must be an Ed25519 key for EdDSA`);
  }
  if (algorithm === 'ES256' && (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1')) {
    throw new TypeError(`${where} must be a P-256 EC key for ES256`);
  }
}

function samePublicKey(a: KeyObject, b: KeyObject): boolean {
  return a.export({ format: 'der', type: 'spki' }).equals(b.export({ format: 'der', type: 'spki' }));
}
