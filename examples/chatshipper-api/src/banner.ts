import type { ServerConfig } from './config.js';

/** Options of {@link formatBanner}. */
export interface BannerInput {
  readonly config: ServerConfig;
  /** The bound address, as the server reports it. */
  readonly address: { readonly host: string; readonly port: number };
  /** Where state lives, e.g. `"memory"`. */
  readonly storage: string;
  /**
   * What the bootstrap found: `created: false` when the admin already existed (another instance
   * on the same Redis made it). Then its password was not changed, so a generated one is not
   * printed. Default: created, with role `admin`.
   */
  readonly admin?: { readonly created: boolean; readonly role: string } | undefined;
}

/** Quotes a string for a POSIX shell. */
function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function adminPasswordLine(config: BannerInput['config'], created: boolean): string {
  if (!created) return '(unchanged: this admin already existed in the shared storage)';
  if (config.admin.generatedPassword) return `${config.admin.password} (generated; set ADMIN_PASSWORD to choose one)`;
  return '(from ADMIN_PASSWORD)';
}

/**
 * The base URL a client on this machine should use: wildcard binds are reached through the
 * loopback address, IPv6 literals get brackets.
 *
 * @example
 * ```ts
 * baseUrlFor({ host: '0.0.0.0', port: 3000 }); // 'http://127.0.0.1:3000'
 * ```
 */
export function baseUrlFor(address: { readonly host: string; readonly port: number }): string {
  let host = address.host;
  if (host === '0.0.0.0' || host === '') host = '127.0.0.1';
  if (host === '::') host = '::1';
  return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
}

/**
 * The startup banner: where the server listens, on which framework, the bootstrap admin
 * (its password only when it was generated — a password from the environment is never
 * printed) and a ready-to-paste `curl` that logs in. Never prints the JWT secret.
 *
 * @example
 * ```ts
 * process.stdout.write(formatBanner({ config, address: { host: '127.0.0.1', port: 3000 }, storage: 'memory' }));
 * ```
 */
export function formatBanner(input: BannerInput): string {
  const { config } = input;
  const base = baseUrlFor(input.address);
  const created = input.admin?.created ?? true;
  const showPassword = config.admin.generatedPassword && created;
  const password = showPassword ? config.admin.password : '<ADMIN_PASSWORD>';
  const login = JSON.stringify({ email: config.admin.email, password });
  const bound = `http://${input.address.host.includes(':') ? `[${input.address.host}]` : input.address.host}:${input.address.port}`;
  const lines = [
    `chatshipper-api listening on ${base} (framework: ${config.framework}, storage: ${input.storage}, access tokens live ${config.accessTokenTtlText})`,
    ...(bound === base ? [] : [`  bound to:    ${bound} (every interface)`]),
    `  health:      ${base}/health`,
    `  jwks:        ${base}/.well-known/jwks.json (access tokens: ${config.jwtAlgorithm}, iss ${config.jwtIssuer}, aud ${config.jwtAudience})`,
    `  admin email: ${config.admin.email}${config.admin.generatedEmail ? ' (default)' : ''}`,
    `  admin password: ${adminPasswordLine(config, created)}`,
  ];
  if (input.admin !== undefined && input.admin.role !== 'admin') {
    lines.push(`  note: that user exists with role "${input.admin.role}", not "admin"; it was left unchanged.`);
  }
  if (config.generatedJwtSecret) {
    lines.push('  JWT_SECRET is not set: a random signing key was generated, so tokens end with this process.');
  }
  if (config.jwtKey?.generated === true) {
    lines.push(`  JWT_PRIVATE_KEY is not set: a random ${config.jwtAlgorithm} key pair was generated, so tokens end with this process.`);
  }
  if (config.clientCompat !== undefined)
    lines.push(`  client compatibility: ${config.clientCompat} (expired tokens answer 401, errors { error: { code, message } })`);
  lines.push('', 'Log in:', `  curl -s -X POST ${base}/v2/auth/token -H 'content-type: application/json' -d ${shellQuote(login)}`, '');
  return lines.join('\n');
}
