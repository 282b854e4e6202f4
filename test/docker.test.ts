// No Docker engine runs on our machines, so the container files are checked by reading them: the
// Dockerfile with a small instruction parser, docker-compose.yml with `yaml`, and both against the
// repository they build (package.json scripts, tsconfig, the files they copy), so a rename breaks here
// rather than in someone's `docker build`.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
/** tsconfig files may hold comments and trailing commas. */
const readJsonc = (file: string): unknown =>
  JSON.parse(
    read(file)
      .replace(/^\s*\/\/.*$/gm, '')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/,(\s*[}\]])/g, '$1'),
  );
const pkg = JSON.parse(read('package.json')) as { type?: string; scripts: Record<string, string> };

// ---------------------------------------------------------------------------------------------
// Dockerfile parsing

type Instruction = { keyword: string; args: string; line: number };
type Stage = {
  index: number;
  name?: string;
  from: string;
  parent?: Stage;
  instructions: Instruction[];
};

/** Splits a Dockerfile into instructions, joining `\` continuations and dropping comments. */
function parseInstructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  let buffer: string | undefined;
  let start = 0;
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const trimmed = raw.trim();
    // Comment and blank lines are skipped, also inside a continuation (as BuildKit does).
    if (trimmed.startsWith('#') || trimmed === '') return;
    if (buffer === undefined) {
      buffer = '';
      start = i + 1;
    }
    if (/\\\s*$/.test(raw)) {
      buffer += raw.replace(/\\\s*$/, '') + ' ';
      return;
    }
    buffer += raw;
    push();
  });
  if (buffer !== undefined) push();
  return out;

  function push() {
    const m = /^(\S+)\s*([\s\S]*)$/.exec(buffer!.trim())!;
    out.push({ keyword: m[1].toUpperCase(), args: m[2].trim(), line: start });
    buffer = undefined;
  }
}

function parseDockerfile(text: string) {
  const instructions = parseInstructions(text);
  const globalArgs: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') {
      const words = ins.args.split(/\s+/).filter((w) => !w.startsWith('--'));
      const from = substitute(words[0], globalArgs);
      const name = words[1]?.toUpperCase() === 'AS' ? words[2] : undefined;
      const parent = stages.find((s) => s.name === from);
      stages.push({ index: stages.length, name, from, parent, instructions: [] });
    } else if (stages.length === 0) {
      if (ins.keyword === 'ARG') {
        const [k, v = ''] = ins.args.split('=');
        globalArgs[k.trim()] = v.trim();
      }
    } else {
      stages.at(-1)!.instructions.push(ins);
    }
  }
  return { instructions, stages };
}

function substitute(s: string, vars: Record<string, string>): string {
  return s.replace(
    /\$\{(\w+)(?::-([^}]*))?\}|\$(\w+)/g,
    (_, a: string | undefined, def: string | undefined, b: string) => vars[a ?? b] ?? def ?? '',
  );
}

/** The stage's own instructions after those of the stages it is built FROM. */
function lineage(stage: Stage): Instruction[] {
  return [...(stage.parent ? lineage(stage.parent) : []), ...stage.instructions];
}

function rootImage(stage: Stage): string {
  return stage.parent ? rootImage(stage.parent) : stage.from;
}

function workdir(stage: Stage): string {
  let dir = '/';
  for (const ins of lineage(stage)) if (ins.keyword === 'WORKDIR') dir = posix.resolve(dir, ins.args);
  return dir;
}

function envOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const ins of lineage(stage)) {
    if (ins.keyword !== 'ENV') continue;
    if (!ins.args.includes('=')) {
      const [k, ...rest] = ins.args.split(/\s+/);
      env[k] = rest.join(' ');
      continue;
    }
    for (const m of ins.args.matchAll(/(\w+)=("([^"]*)"|'([^']*)'|\S*)/g)) env[m[1]] = m[3] ?? m[4] ?? m[2];
  }
  return env;
}

/** Leading `--flag[=value]` words of an instruction, and the rest. */
function splitFlags(args: string): { flags: Record<string, string>; rest: string } {
  const flags: Record<string, string> = {};
  let rest = args;
  for (let m; (m = /^--([\w-]+)(?:=(\S*))?\s*/.exec(rest)); rest = rest.slice(m[0].length)) flags[m[1]] = m[2] ?? 'true';
  return { flags, rest };
}

/** Shell or exec (JSON) form, as a word list. */
function words(form: string): string[] {
  if (form.startsWith('[')) return JSON.parse(form) as string[];
  return form.split(/\s+/).filter(Boolean);
}

type Copy = { from?: string; sources: string[]; dest: string; rawDest: string; line: number };
function copies(stage: Stage): Copy[] {
  return stage.instructions
    .filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD')
    .map((i) => {
      const { flags, rest } = splitFlags(i.args);
      const w = words(rest);
      return {
        from: flags.from,
        sources: w.slice(0, -1),
        dest: posix.resolve(workdir(stage), w.at(-1)!),
        rawDest: w.at(-1)!,
        line: i.line,
      };
    });
}

/** Resolved destination of each copied source ("COPY a b ./" puts a at ./a). */
function copiedPaths(stage: Stage, c: Copy): string[] {
  // Into a directory when there are several sources or the destination is one ("./", ".", "dir/").
  const intoDir = c.sources.length > 1 || /(^|\/)\.?\/?$/.test(c.rawDest) || c.rawDest.endsWith('/');
  return c.sources.map((src) => (intoDir ? posix.join(c.dest, posix.basename(src)) : c.dest));
}

function runs(stage: Stage): { line: number; command: string }[] {
  return stage.instructions.filter((i) => i.keyword === 'RUN').map((i) => ({ line: i.line, command: splitFlags(i.args).rest }));
}

/** Each `npm ci`/`npm install` invocation in a RUN, with its arguments. */
function npmInstalls(stage: Stage, inherited = false): string[] {
  if (inherited && stage.parent) return [...npmInstalls(stage.parent, true), ...npmInstalls(stage)];
  return runs(stage).flatMap((r) =>
    r.command
      .split(/&&|;|\|\|/)
      .map((c) => c.trim())
      .filter((c) => /^npm\s+(ci|install|i)\b/.test(c)),
  );
}

const dockerfile = parseDockerfile(read('Dockerfile'));
const { stages } = dockerfile;
const final = stages.at(-1)!;
const stageNamed = (name: string | undefined) => stages.find((s) => s.name === name || String(s.index) === name);
const buildStage = stages.find((s) => runs(s).some((r) => /\bnpm run build\b/.test(r.command)));

// ---------------------------------------------------------------------------------------------
// .dockerignore, matched the way Docker does: patterns are paths from the context root, `*` and `?`
// stay within a segment, `**` crosses segments, a match on a directory covers everything under it,
// and the last matching pattern (a `!` one re-includes) wins.

const ignorePatterns = read('.dockerignore')
  .split(/\r?\n/)
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'))
  .map((l) => {
    const negate = l.startsWith('!');
    const pattern = posix.normalize((negate ? l.slice(1) : l).replace(/^\/+/, ''));
    const source = pattern
      .split('/')
      .map((seg) =>
        seg === '**'
          ? '.*'
          : seg
              .replace(/[.+^${}()|[\]\\]/g, '\\$&')
              .replace(/\*/g, '[^/]*')
              .replace(/\?/g, '[^/]'),
      )
      .join('/')
      .replace(/\.\*\//g, '(?:.*/)?');
    return { negate, regex: new RegExp(`^${source}$`) };
  });

function isIgnored(path: string): boolean {
  const parts = posix.normalize(path).split('/');
  let ignored = false;
  for (const { negate, regex } of ignorePatterns) {
    for (let n = 1; n <= parts.length; n++) {
      if (regex.test(parts.slice(0, n).join('/'))) {
        ignored = !negate;
        break;
      }
    }
  }
  return ignored;
}

function filesUnder(rel: string): string[] {
  const abs = join(ROOT, rel);
  if (!statSync(abs).isDirectory()) return [rel];
  return readdirSync(abs, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => posix.join(rel, posix.relative(abs, join(d.parentPath, d.name)).split('\\').join('/')));
}

/** Context paths a source names: itself, or for `dir/*.ext` the files in dir that match. */
function contextPaths(source: string): string[] {
  if (!/[*?[]/.test(source)) return [source];
  const dir = posix.dirname(source);
  const re = new RegExp(
    `^${posix
      .basename(source)
      .replace(/[.+^${}()|\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  expect(/[*?[]/.test(dir), `glob in a directory part is not supported by this test: ${source}`).toBe(false);
  return existsSync(join(ROOT, dir))
    ? readdirSync(join(ROOT, dir))
        .filter((f) => re.test(f))
        .map((f) => posix.join(dir, f))
    : [];
}

// ---------------------------------------------------------------------------------------------
// docker-compose.yml

type Service = {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
  ports?: (string | number | { target: number; published?: string | number })[];
  volumes?: (string | { type?: string; source?: string; target: string })[];
  restart?: string;
};
const compose = parseYaml(read('docker-compose.yml'), { merge: true }) as {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
};
const services = compose.services ?? {};

/** Compose interpolation with no variables set: `${X:-d}` gives d, `${X:?msg}` is an error. */
function interpolate(value: string): string {
  return value.replace(/\$\$|\$\{(\w+)(?:(:?[-?])([^}]*))?\}/g, (all: string, name: string, op: string | undefined, arg: string) => {
    if (all === '$$') return '$';
    if (op?.endsWith('-')) return arg;
    if (op?.endsWith('?')) throw new Error(`${name} is required: ${arg}`);
    return '';
  });
}

function env(service: Service): Record<string, string> {
  const raw = service.environment ?? {};
  const entries = Array.isArray(raw) ? raw.map((e) => [e.split('=')[0], e.split('=').slice(1).join('=')]) : Object.entries(raw);
  return Object.fromEntries(entries.map(([k, v]) => [k, v == null ? '' : String(v)]));
}

function dependsOn(service: Service): Record<string, string | undefined> {
  const d = service.depends_on ?? {};
  if (Array.isArray(d)) return Object.fromEntries(d.map((name) => [name, undefined]));
  return Object.fromEntries(Object.entries(d).map(([name, v]) => [name, v?.condition]));
}

function healthTest(service: Service): string {
  const t = service.healthcheck?.test;
  return Array.isArray(t) ? t.join(' ') : (t ?? '');
}

function buildContext(service: Service): string | undefined {
  if (typeof service.build === 'string') return service.build;
  return service.build?.context ?? (service.build ? '.' : undefined);
}

const commandWords = (c: Service['command']) => (Array.isArray(c) ? c : (c ?? '').split(/\s+/).filter(Boolean));

// The entry point the image runs, e.g. dist/src/main.js.
const cmd = final.instructions.filter((i) => i.keyword === 'CMD').at(-1);
const entry = cmd ? words(cmd.args).find((w) => /\.m?js$/.test(w)) : undefined;

// =============================================================================================

describe('Dockerfile', () => {
  it('has separate build, production-dependency and runtime stages, the runtime on a slim image', () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    expect(buildStage, 'a stage runs `npm run build`').toBeDefined();
    expect(buildStage).not.toBe(final);
    expect(rootImage(final)).toMatch(/^node:[\w.-]*(slim|alpine)/);
  });

  it('runs as a non-root user in the final stage', () => {
    const users = lineage(final).filter((i) => i.keyword === 'USER');
    expect(users.length, 'the final stage sets USER').toBeGreaterThan(0);
    const user = users.at(-1)!.args.split(':')[0];
    expect(['root', '0', '']).not.toContain(user);
  });

  it('ships only production dependencies in the final image', () => {
    expect(npmInstalls(final, true), 'the final stage (and what it is built FROM) installs nothing itself').toEqual([]);
    for (let s: Stage | undefined = final; s; s = s.parent)
      expect(s, 'the final stage is not built FROM the build stage').not.toBe(buildStage);
    const nodeModules = copies(final).filter((c) => c.sources.some((s) => /(^|\/)node_modules\/?$/.test(s)));
    expect(nodeModules.length, 'the final stage copies node_modules from another stage').toBe(1);
    const from = stageNamed(nodeModules[0].from);
    expect(from, `COPY --from=${nodeModules[0].from ?? '?'} names a stage`).toBeDefined();
    const installs = npmInstalls(from!);
    expect(installs.length).toBeGreaterThan(0);
    for (const i of installs) expect(i).toMatch(/--omit[= ]dev\b/);
    // and that stage is not the one holding the dev tools for the build
    expect(from).not.toBe(buildStage);
  });

  it('never relies on dependencies\u2019 install scripts', () => {
    const installs = stages.flatMap((s) => npmInstalls(s));
    expect(installs.length).toBeGreaterThanOrEqual(2);
    for (const i of installs) {
      expect(i).toMatch(/^npm ci\b/); // the lockfile, exactly
      expect(i).toContain('--ignore-scripts');
    }
  });

  it('copies the build output, package.json (ESM) and the migrations into the working directory', () => {
    const dir = workdir(final);
    const all = copies(final);
    const dist = all.find((c) => c.sources.some((s) => /(^|\/)dist\/?$/.test(s)));
    expect(dist?.from, 'dist/ comes from the stage that runs `npm run build`').toBe(buildStage?.name ?? String(buildStage?.index));
    expect(dist!.dest).toBe(posix.join(dir, 'dist'));

    const fromContext = all.filter((c) => !c.from);
    const placed = fromContext.flatMap((c) => copiedPaths(final, c).map((dest, i) => ({ src: posix.normalize(c.sources[i]), dest })));
    expect(placed).toContainEqual({ src: 'package.json', dest: posix.join(dir, 'package.json') });
    expect(pkg.type).toBe('module');
    // src/db/migrate.ts reads prisma/migrations relative to the working directory.
    const migrations = placed.find((p) => p.src === 'prisma/migrations' || p.src === 'prisma');
    expect(migrations, 'the final stage copies prisma/migrations').toBeDefined();
    expect(migrations!.dest).toBe(posix.join(dir, migrations!.src));
  });

  it('sets NODE_ENV=production, listens on 0.0.0.0 and exposes the port it listens on', () => {
    const e = envOf(final);
    expect(e.NODE_ENV).toBe('production');
    expect(e.HOST).toBe('0.0.0.0');
    const expose = final.instructions.filter((i) => i.keyword === 'EXPOSE').flatMap((i) => i.args.split(/\s+/).map((p) => p.split('/')[0]));
    expect(expose).toContain(e.PORT ?? '4000');
  });

  it('has a HEALTHCHECK probing /health with node (slim images have no curl)', () => {
    const hc = lineage(final)
      .filter((i) => i.keyword === 'HEALTHCHECK')
      .at(-1);
    expect(hc, 'HEALTHCHECK present').toBeDefined();
    const { rest } = splitFlags(hc!.args);
    expect(rest).toMatch(/^CMD\s/);
    const probe = words(rest.replace(/^CMD\s+/, ''));
    expect(probe[0]).toBe('node');
    expect(probe.join(' ')).toContain('/health');
    expect(probe.join(' ')).not.toMatch(/\b(curl|wget)\b/);
    expect(probe.join(' ')).toMatch(/process\.exit\(/); // a failed probe must exit non-zero
  });

  it('CMD runs the compiled entry point in exec form, like `npm run start:prod`', () => {
    expect(cmd, 'CMD present').toBeDefined();
    expect(cmd!.args.startsWith('['), 'exec form, so node is PID 1 and gets SIGTERM').toBe(true);
    expect(words(cmd!.args)).toEqual(['node', entry]);
    expect(entry).toBe('dist/src/main.js');
    expect(pkg.scripts['start:prod']).toBe(`node ${entry ?? '?'}`);
  });

  it('uses only npm scripts that package.json defines', () => {
    const used = stages.flatMap(runs).flatMap((r) => [...r.command.matchAll(/\bnpm run(?:-script)? ([\w:.-]+)/g)].map((m) => m[1]));
    expect(used).toContain('build');
    for (const script of used) expect(Object.keys(pkg.scripts), `npm run ${script}`).toContain(script);
  });

  it('copies from the build context only files that exist and that .dockerignore lets through', () => {
    const sources = stages
      .flatMap(copies)
      .filter((c) => !c.from)
      .flatMap((c) => c.sources);
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      const paths = contextPaths(posix.normalize(source));
      expect(paths.length, `${source} matches something`).toBeGreaterThan(0);
      for (const p of paths) {
        expect(existsSync(join(ROOT, p)), `${p} exists`).toBe(true);
        expect(isIgnored(p), `${p} is excluded by .dockerignore`).toBe(false);
        const sent = filesUnder(p).filter((f) => !isIgnored(f));
        expect(sent.length, `${p} sends at least one file`).toBeGreaterThan(0);
      }
    }
  });

  it('gives `npm run build` every file it names before running it', () => {
    expect(buildStage).toBeDefined();
    const stage = buildStage!;
    const dir = workdir(stage);
    const buildRun = runs(stage).find((r) => /\bnpm run build\b/.test(r.command))!;
    const present = stage.instructions
      .filter((i) => (i.keyword === 'COPY' || i.keyword === 'ADD') && i.line < buildRun.line)
      .flatMap((i) => {
        const c = copies(stage).find((x) => x.line === i.line)!;
        return c.from ? [] : copiedPaths(stage, c);
      });
    const has = (rel: string) =>
      present.some((p) => {
        const want = posix.join(dir, rel);
        return want === p || want.startsWith(p + '/');
      });

    // Files named in the script itself (node scripts/x.mjs, tsc -p tsconfig.build.json, ...).
    const named = pkg.scripts.build.split(/\s+/).filter((w) => /^[\w./-]+\.(m?js|cjs|ts|json)$/.test(w));
    expect(named.length).toBeGreaterThan(0);
    // and what a tsconfig it names extends and compiles.
    const needed = new Set(named);
    for (const file of named.filter((f) => /tsconfig.*\.json$/.test(f))) {
      let included = false; // the nearest `include` wins over the ones it extends
      for (let cfg: string | undefined = file; cfg;) {
        needed.add(cfg);
        const json = readJsonc(cfg) as { extends?: string; include?: string[] };
        if (json.include && !included) {
          included = true;
          for (const inc of json.include)
            if (!/[*?]/.test(inc) && existsSync(join(ROOT, posix.dirname(cfg), inc))) needed.add(posix.join(posix.dirname(cfg), inc));
        }
        cfg = json.extends ? posix.join(posix.dirname(cfg), json.extends) : undefined;
      }
    }
    // prisma generate reads these (scripts/prisma-generate.mjs runs it).
    if (existsSync(join(ROOT, 'prisma/schema.prisma'))) needed.add('prisma/schema.prisma');
    if (existsSync(join(ROOT, 'prisma.config.ts'))) needed.add('prisma.config.ts');
    needed.add('package-lock.json');
    for (const file of needed) expect(has(file), `${file} is copied before \`npm run build\``).toBe(true);
  });

  it('runs an entry point that tsc compiles from src/main.ts', () => {
    // outDir/rootDir as tsconfig.build.json sees them (following `extends`).
    const project = /-p\s+(\S+)/.exec(pkg.scripts.build)?.[1] ?? 'tsconfig.json';
    let options: { outDir?: string; rootDir?: string } = {};
    const include: string[] = [];
    for (let cfg: string | undefined = project; cfg;) {
      const json = readJsonc(cfg) as { extends?: string; include?: string[]; compilerOptions?: typeof options };
      options = { ...json.compilerOptions, ...options };
      if (!include.length) include.push(...(json.include ?? []));
      cfg = json.extends ? posix.join(posix.dirname(cfg), json.extends) : undefined;
    }
    expect(entry).toBeDefined();
    const source = posix.join(options.rootDir ?? '.', posix.relative(options.outDir ?? '.', entry!)).replace(/\.js$/, '.ts');
    expect(source).toBe('src/main.ts');
    expect(existsSync(join(ROOT, source)), `${source} exists`).toBe(true);
    expect(
      include.some((inc) => source === inc || source.startsWith(inc.replace(/\/?$/, '/'))),
      `${source} is in the build's include`,
    ).toBe(true);
    expect(isIgnored(source)).toBe(false);
  });

  it('builds into dist/ every file the code loads by URL at run time (e.g. worker scripts)', () => {
    // tsc emits .js for .ts, but copies a plain .js/.mjs source only with allowJs; anything else it
    // never copies, and the runtime stage holds only dist/.
    const project = /-p\s+(\S+)/.exec(pkg.scripts.build)?.[1] ?? 'tsconfig.json';
    let allowJs: boolean | undefined;
    for (let cfg: string | undefined = project; cfg && allowJs === undefined;) {
      const json = readJsonc(cfg) as { extends?: string; compilerOptions?: { allowJs?: boolean } };
      allowJs = json.compilerOptions?.allowJs;
      cfg = json.extends ? posix.join(posix.dirname(cfg), json.extends) : undefined;
    }
    const sources = filesUnder('src').filter((f) => /\.(m|c)?ts$/.test(f) && !f.startsWith('src/generated/'));
    const loaded = sources.flatMap((file) =>
      [...read(file).matchAll(/new URL\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*,\s*import\.meta\.url\s*\)/g)].map((m) => ({
        file,
        target: posix.join(posix.dirname(file), m[1]),
      })),
    );
    for (const { file, target } of loaded) {
      const compiledFrom = ['.ts', '.mts', '.cts']
        .map((ext) => target.replace(/\.(m|c)?js$/, ext))
        .find((f) => f !== target && existsSync(join(ROOT, f)));
      if (compiledFrom) continue;
      expect(existsSync(join(ROOT, target)), `${file} loads ${target}, which exists`).toBe(true);
      expect(
        /\.(m|c)?js$/.test(target) && allowJs === true,
        `${file} loads ${target}: tsc emits it only with "allowJs": true in ${project}`,
      ).toBe(true);
    }
  });
});

describe('.dockerignore', () => {
  it('keeps local state, build output and secrets out of the build context', () => {
    for (const path of [
      'node_modules/pg/package.json',
      'dist/src/main.js',
      '.data/pglite/PG_VERSION',
      '.git/HEAD',
      'src/generated/prisma/client.ts',
      'bench/results/raw/run.json',
      'logs/app.log',
      '.env',
    ]) {
      expect(isIgnored(path), path).toBe(true);
    }
  });

  it('lets the sources through', () => {
    for (const path of [
      'package.json',
      'package-lock.json',
      'src/main.ts',
      'src/db/migrate.ts',
      'prisma/schema.prisma',
      'scripts/prisma-generate.mjs',
    ]) {
      expect(isIgnored(path), path).toBe(false);
    }
  });
});

describe('docker-compose.yml', () => {
  const { postgres, redis, migrate, api } = services;

  it('runs PostgreSQL with a pg_isready healthcheck and a named volume', () => {
    expect(postgres?.image).toMatch(/^postgres:1[5-9]\b/);
    expect(env(postgres).POSTGRES_DB).toBe('trackr');
    expect(healthTest(postgres)).toMatch(/\bpg_isready\b/);
    const data = (postgres.volumes ?? []).map((v) => (typeof v === 'string' ? { source: v.split(':')[0], target: v.split(':')[1] } : v));
    const volume = data.find((v) => v.target === '/var/lib/postgresql/data');
    expect(volume, 'a volume holds /var/lib/postgresql/data').toBeDefined();
    expect(Object.keys(compose.volumes ?? {}), 'the volume is a declared named volume').toContain(volume!.source);
  });

  it('runs Redis 7 with a redis-cli ping healthcheck', () => {
    expect(redis?.image).toMatch(/^redis:7\b/);
    expect(healthTest(redis)).toMatch(/redis-cli.*\bping\b/);
  });

  it('migrates with the API image before the API starts', () => {
    expect(migrate, 'a migrate service').toBeDefined();
    const words = commandWords(migrate.command);
    expect(words.slice(0, 2)).toEqual(['node', entry]);
    expect(words.at(-1)).toBe('migrate');
    // same image as the API, built from this Dockerfile
    expect(buildContext(migrate)).toBe(buildContext(api));
    expect(migrate.image).toBe(api.image);
    expect(dependsOn(migrate).postgres).toBe('service_healthy');
    expect([undefined, 'no']).toContain(migrate.restart); // a one-shot job, not restarted
    expect(dependsOn(api).migrate).toBe('service_completed_successfully');
  });

  it('builds the API from this Dockerfile and publishes the port it exposes', () => {
    const context = buildContext(api);
    expect(context).toBeDefined();
    const dockerfileName = typeof api.build === 'object' && api.build.dockerfile ? api.build.dockerfile : 'Dockerfile';
    expect(existsSync(join(ROOT, context!, dockerfileName))).toBe(true);
    const port = envOf(final).PORT ?? '4000';
    const targets = (api.ports ?? []).map((p) => String(typeof p === 'object' ? p.target : String(p).split(':').at(-1)));
    expect(targets).toContain(port);
    expect(api.ports?.map(String)).toContain('4000:4000');
  });

  it('starts the API only on healthy PostgreSQL and Redis, restarts it and healthchecks it', () => {
    const deps = dependsOn(api);
    expect(deps.postgres).toBe('service_healthy');
    expect(deps.redis).toBe('service_healthy');
    expect(['always', 'unless-stopped', 'on-failure']).toContain(api.restart);
    expect(healthTest(api)).toContain('/health');
    expect(api.healthcheck?.disable).not.toBe(true);
  });

  it('waits only on services that exist and can report what it waits for', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [dep, condition] of Object.entries(dependsOn(service))) {
        expect(services[dep], `${name} depends on ${dep}`).toBeDefined();
        if (condition === 'service_healthy') expect(healthTest(services[dep]), `${dep} has a healthcheck`).not.toBe('');
      }
    }
  });

  it('configures the API: database, required JWT secret, CORS, Redis', () => {
    const e = env(api);
    for (const key of ['DATABASE_URL', 'JWT_SECRET', 'CORS_ORIGINS', 'REDIS_URL']) expect(Object.keys(e)).toContain(key);

    // The secret has no default: compose refuses to start without one.
    expect(e.JWT_SECRET).toMatch(/^\$\{JWT_SECRET:?\?.+\}$/);
    expect(() => interpolate(e.JWT_SECRET)).toThrow(/JWT_SECRET is required/);

    // DATABASE_URL reaches the postgres service with the credentials it was created with.
    const db = new URL(interpolate(e.DATABASE_URL));
    const pgEnv = Object.fromEntries(Object.entries(env(postgres)).map(([k, v]) => [k, interpolate(v)]));
    expect(db.protocol).toMatch(/^postgres(ql)?:$/);
    expect(db.hostname).toBe('postgres');
    expect(db.pathname).toBe(`/${pgEnv.POSTGRES_DB}`);
    expect(decodeURIComponent(db.username)).toBe(pgEnv.POSTGRES_USER ?? 'postgres');
    expect(decodeURIComponent(db.password)).toBe(pgEnv.POSTGRES_PASSWORD);

    const redisUrl = new URL(interpolate(e.REDIS_URL));
    expect(redisUrl.protocol).toBe('redis:');
    expect(redisUrl.hostname).toBe('redis');

    for (const origin of interpolate(e.CORS_ORIGINS).split(',')) expect(() => new URL(origin.trim())).not.toThrow();
    expect(interpolate(e.NODE_ENV ?? 'production')).toBe('production');
  });

  it('gives the migrate job the same database as the API', () => {
    expect(env(migrate).DATABASE_URL).toBe(env(api).DATABASE_URL);
  });
});
