import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fetchEach, listConversations, updateAnotherTenants } from './organizations.js';
import { botKey, signIn } from './organizations-tokens.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DOC = 'docs/organizations.md';
const EXAMPLES = ['docs/examples/organizations-tree.ts', 'docs/examples/organizations.ts', 'docs/examples/organizations-tokens.ts'] as const;

/** The code docs/organizations.md shows after `<!-- example: path -->`. */
function includedBlock(example: string): string | null {
  const pattern = new RegExp(`<!-- example: ${example.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} -->\\n\`\`\`ts\\n([\\s\\S]*?)\`\`\`\\n`);
  return pattern.exec(readFileSync(ROOT + DOC, 'utf8'))?.[1] ?? null;
}

describe(`${DOC} includes its examples verbatim`, () => {
  it.each(EXAMPLES)('%s', (example) => {
    expect(includedBlock(example)).toBe(readFileSync(ROOT + example, 'utf8'));
  });
});

describe('the organizations example runs as documented', () => {
  it('reaches its organization and below, nothing else', () => {
    expect(fetchEach()).toEqual({ k1: false, k2: true, k3: true, k4: false });
  });

  it('lists with one prefix condition', () => {
    expect(listConversations()).toEqual({
      query: { organizationPath: { $regex: '^r1#c1(?:#|(?![\\s\\S]))' } },
      prisma: { OR: [{ organizationPath: 'r1#c1' }, { organizationPath: { startsWith: 'r1#c1#' } }] },
      ids: ['k2', 'k3'],
    });
  });

  it("answers another tenant's record as not found", () => {
    expect(updateAnotherTenants()).toEqual({ status: 404, body: { code: 'ERR_NOT_FOUND', message: 'Conversation not found' } });
  });
});

describe('the tokens example runs as documented', () => {
  it('logs in in one organization, with the role there, reaching that subtree only', async () => {
    expect(await signIn()).toEqual({ scope: 'admin', organizationPath: 'r1#c1', reaches: ['k2', 'k3'] });
    expect(await signIn('s1')).toEqual({ scope: 'admin', organizationPath: 'r1#c1#s1', reaches: ['k3'] });
    expect(await signIn('r1')).toEqual({ scope: 'guest', organizationPath: 'r1', reaches: ['k1', 'k2', 'k3', 'k4'] }); // guests may fetch conversations
    await expect(signIn('r2')).rejects.toMatchObject({ code: 'ERR_INVALID_CREDENTIALS' });
  });

  it('binds a bot key to its organization, capped live, refused once the bot left', async () => {
    expect(await botKey()).toEqual({ organization: 'c1', before: ['bot'], demoted: ['agent'], removed: 'ERR_API_KEY_INVALID' });
  });
});
