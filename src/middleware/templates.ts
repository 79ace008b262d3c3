/**
 * The EJS view engine: every template (includes too) compiled once, and includes resolved without touching the file
 * system.
 *
 * What stock EJS 7 does on each render (node_modules/ejs/lib/cjs/ejs.js): every `include()` copies the parent's data
 * into a new object, copies the options, resolves the path and calls `fs.existsSync` on it (getIncludePath), then —
 * unless `cache` is set — reads and compiles the included file again; the template function copies its locals once
 * more. Express adds a `stat` lookup of the view per render unless `view cache` is on.
 *
 * Here a template is compiled once per file (when `cache` is on: production and tests; development recompiles so an
 * edited view shows at once) and each template receives its own `include`: a local of the same name, which the
 * compiled code's `with (locals)` finds before EJS's built-in one. It resolves the name relative to the including
 * file by path arithmetic only (memoised), exactly as EJS's `resolveInclude` does, and hands the child one copy of the
 * data (a prototype-less object, so EJS's `unsafePrototypeLocals` skips its own second copy and no polluted
 * Object.prototype property can reach a template). Should a future EJS stop letting a local shadow `include`, its own
 * include still renders the same page, only slower.
 */
import fs from 'node:fs';
import path from 'node:path';
import ejs from 'ejs';

type Data = Record<string, unknown>;
type Template = (data: Data) => string;

export interface ViewEngine {
  /** For `app.engine('ejs', …)`: Express passes the view's file and its merged locals. */
  express(file: string, data: object, cb: (err: unknown, html?: string) => void): void;
  /** Renders a view by name under the views folder (`public/home`), synchronously. */
  render(name: string, data: Data): string;
}

const BOM = /^\uFEFF/;

export function createViewEngine(opts: { root: string; cache: boolean }): ViewEngine {
  const compiled = new Map<string, Template>();
  const resolved = new Map<string, string>();

  /** EJS's resolution: relative to the including file's folder, `.ejs` added when the name has no extension. */
  function resolve(dir: string, name: string): string {
    const key = `${dir}\0${name}`;
    let file = resolved.get(key);
    if (file === undefined) {
      const abs = name.startsWith('/') ? path.join(opts.root, name) : path.resolve(dir, name);
      file = path.extname(name) ? abs : `${abs}.ejs`;
      resolved.set(key, file);
    }
    return file;
  }

  function template(file: string): Template {
    const cached = compiled.get(file);
    if (cached) return cached;
    const source = fs.readFileSync(file, 'utf8').replace(BOM, '');
    // `unsafePrototypeLocals` only means "use the data object as it is": ours never has a prototype (renderFile).
    const fn = ejs.compile(source, { filename: file, unsafePrototypeLocals: true } as ejs.Options) as unknown as Template;
    if (opts.cache) compiled.set(file, fn);
    return fn;
  }

  function renderFile(file: string, data: Data, extra?: Data): string {
    const dir = path.dirname(file);
    const locals: Data = Object.assign(Object.create(null) as Data, data, extra);
    locals.include = (name: string, includeData?: Data) => renderFile(resolve(dir, name), locals, includeData);
    return template(file)(locals);
  }

  return {
    express(file, data, cb) {
      let html: string;
      try {
        html = renderFile(file, data as Data);
      } catch (err) {
        cb(err);
        return;
      }
      cb(null, html);
    },
    render(name, data) {
      return renderFile(resolve(opts.root, name), data);
    },
  };
}
