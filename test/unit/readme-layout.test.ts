import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { routes } from '../../shared/routes';

/**
 * The README's Layout section is the newcomer's map, so it must match the tree: every file or
 * folder it names exists, and every source file of the folders it maps is named. The scheme that
 * lets it say `keys.ts` rather than `shared/data/keys.ts` each time: a bullet that starts with a
 * backticked folder (`shared/data/`) is about that folder, and so are its continuation lines and
 * the bullets nested in it that name no folder of their own. A name resolves against that folder
 * first and against the repository's root second (`shared/routes.ts` in any bullet); whichever
 * exists is the file it names.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));

/** The folders whose every source file the section names (recursively). */
const mappedFolders = ['shared', 'infra', 'local', 'scripts', 'bench'];
const sourceFile = /\.(ts|tsx|mts|mjs|java)$/;
/** Extensions that make a backticked word a file name (`npm start`, `keySpaces`, `zod/mini` are not). */
const fileName = /\.(ts|tsx|mts|mjs|cjs|js|json|java|md|css|html|svg)$/;
const pathChars = /^[\w@.-]+(\/[\w@.-]+)*\/?$/;

interface Tree {
  readonly isFile: (path: string) => boolean;
  readonly isDir: (path: string) => boolean;
}

interface Name {
  readonly token: string;
  /** The folder of the bullet it is in ('' outside any). */
  readonly folder: string;
  readonly line: number;
}

const topFolders = (tree: Tree) => (first: string) => tree.isDir(first) && !first.startsWith('.');

/** A backticked word that names a file (`keys.ts`) or a folder (`data/`, `test/infra`). */
const isPathLike = (token: string, tree: Tree): boolean =>
  pathChars.test(token) && (token.endsWith('/') || fileName.test(token) || (token.includes('/') && topFolders(tree)(token.split('/')[0])));

/** What a name in a bullet about `folder` refers to: in that folder, else from the root; null if neither exists. */
const resolveName = (token: string, folder: string, tree: Tree): string | null => {
  const wantsDir = token.endsWith('/');
  const clean = token.replace(/\/$/, '');
  const candidates = folder ? [posix.join(folder, clean), clean] : [clean];
  return candidates.find((c) => (wantsDir ? tree.isDir(c) : tree.isFile(c) || tree.isDir(c))) ?? null;
};

/** The text of `## Layout`, up to the next second-level heading. */
const layoutSection = (readme: string): string => {
  const start = readme.indexOf('\n## Layout\n');
  if (start < 0) throw new Error('README.md has no "## Layout" section');
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start + 1, end < 0 ? undefined : end);
};

/** Every path-like backticked word of the section, with the folder of its bullet. */
const namesIn = (section: string, tree: Tree): { names: Name[]; problems: string[] } => {
  const names: Name[] = [];
  const problems: string[] = [];
  let stack: { indent: number; folder: string }[] = [];
  section.split('\n').forEach((text, index) => {
    const line = index + 1;
    if ((text.match(/`/g) ?? []).length % 2 !== 0) problems.push(`line ${line}: a backticked name is broken across lines`);
    const bullet = /^(\s*)- (.*)$/.exec(text);
    if (bullet) {
      const indent = bullet[1].length;
      stack = stack.filter((b) => b.indent < indent);
      const parent = stack.at(-1)?.folder ?? '';
      const lead = /^`([^`]+\/)`/.exec(bullet[2]);
      const folder = lead ? resolveName(lead[1], parent, tree) : parent;
      if (lead && folder === null) problems.push(`line ${line}: the bullet's folder \`${lead[1]}\` does not exist`);
      stack.push({ indent, folder: folder ?? parent });
    } else if (!/^\s/.test(text)) {
      stack = []; // prose at the margin is about the repository as a whole
    }
    const folder = stack.at(-1)?.folder ?? '';
    for (const [, token] of text.matchAll(/`([^`]+)`/g)) if (isPathLike(token, tree)) names.push({ token, folder, line });
  });
  return { names, problems };
};

/** What is wrong with the section: names that resolve to nothing, and required files it does not name. */
const layoutProblems = (section: string, tree: Tree, required: readonly string[]): string[] => {
  const { names, problems } = namesIn(section, tree);
  const named = new Set<string>();
  for (const { token, folder, line } of names) {
    const path = resolveName(token, folder, tree);
    if (path === null) problems.push(`line ${line}: \`${token}\` (in ${folder || 'the root'}) is not in the tree`);
    else named.add(path);
  }
  for (const path of required) if (!named.has(path)) problems.push(`${path} is not named in the Layout section`);
  return problems;
};

const disk: Tree = {
  isFile: (p) => existsSync(join(root, p)) && statSync(join(root, p)).isFile(),
  isDir: (p) => existsSync(join(root, p)) && statSync(join(root, p)).isDirectory(),
};

const walk = (dir: string): string[] =>
  readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const path = posix.join(dir, e.name);
    return e.isDirectory() ? walk(path) : [path];
  });

/** Every file and folder the section must name: the mapped folders' sources, the non-route functions, the test projects' folders. */
const requiredPaths = (): string[] => {
  const handlers = new Set(routes.map((r) => `functions/${r.handler}.ts`));
  return [
    ...mappedFolders.flatMap(walk).filter((p) => sourceFile.test(p)),
    ...walk('functions').filter((p) => !handlers.has(p)),
    ...readdirSync(join(root, 'test'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => `test/${e.name}`),
  ].sort();
};

const readme = readFileSync(join(root, 'README.md'), 'utf8');

describe('README Layout section', () => {
  it('names only what exists, and every source file of shared/, infra/, local/, scripts/, bench/, every non-route function and every test folder', () => {
    expect(layoutProblems(layoutSection(readme), disk, requiredPaths())).toEqual([]);
  });

  it('every file path the rest of the README names exists', () => {
    const rest = readme.replace(layoutSection(readme), '');
    const paths = [...rest.matchAll(/(?<![\w./-])((?:shared|functions|infra|local|scripts|bench|test|web|docs)\/[\w@./-]*?\.(?:ts|tsx|mjs|java|json|md|css|html))(?![\w.-])/g)].map((m) => m[1]);
    expect(paths.length).toBeGreaterThan(10);
    expect(paths.filter((p) => !disk.isFile(p))).toEqual([]);
  });

  it('every `npm run` script the README names is in package.json', () => {
    const scripts = Object.keys((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);
    const named = [...readme.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]);
    expect(named.length).toBeGreaterThan(3);
    expect(named.filter((name) => !scripts.includes(name))).toEqual([]);
  });

  describe('the check itself', () => {
    const files = new Set(['x/a.ts', 'x/y/b.ts', 'top.ts']);
    const dirs = new Set(['x', 'x/y']);
    const tree: Tree = { isFile: (p) => files.has(p), isDir: (p) => dirs.has(p) };
    const required = ['top.ts', 'x/a.ts', 'x/y/b.ts'];

    it('resolves bare names against the bullet (nested bullets too) and full paths against the root', () => {
      const section = '## Layout\nSee `top.ts`.\n- `x/` — `a.ts` and\n  `top.ts`.\n  - `x/y/` — `b.ts`.\n';
      expect(layoutProblems(section, tree, required)).toEqual([]);
    });

    it('reports a name that is not in the tree and a file the section does not name', () => {
      const section = '## Layout\n- `x/` — `a.ts`, `gone.ts`.\n';
      expect(layoutProblems(section, tree, required)).toEqual([
        'line 2: `gone.ts` (in x) is not in the tree',
        'top.ts is not named in the Layout section',
        'x/y/b.ts is not named in the Layout section',
      ]);
    });

    it('does not resolve a bare name against another bullet\'s folder', () => {
      const section = '## Layout\n- `x/` — `a.ts`.\n- `x/y/` — `b.ts`, `top.ts`, `a.ts`.\n';
      expect(layoutProblems(section, tree, required)).toEqual(['line 3: `a.ts` (in x/y) is not in the tree']);
    });
  });
});
