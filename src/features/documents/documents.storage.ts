/**
 * The raw-file store (R-20.2, RELIABILITY rule 8 and checks 21, 24, 33, 37).
 *
 * Layout under UPLOAD_DIR (never under a static root):
 *   tmp/<uuid>.part          an upload being received; removed on every failure path, swept at start
 *   files/<ab>/<uuid>.<ext>  a stored file: generated name, original name only in the database
 *
 * A stored file is never overwritten and never deleted, except the one case where its database row did not
 * commit (then it never existed as far as the register is concerned).
 *
 * The multer storage engine streams each upload to a temp file while computing its SHA-256 and size, so nothing
 * is held in memory and an over-limit or aborted stream leaves no file behind.
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { pipeline, Transform } from 'node:stream';
import type { Request, Response } from 'express';
import multer, { type FileFilterCallback, type StorageEngine } from 'multer';
import { AppError } from '../../lib/errors.js';
import { cleanFormBody } from '../../middleware/parameters.js';

/** What the engine adds to multer's file object. */
export interface ReceivedFile extends Express.Multer.File {
  sha256: string;
}

export class UploadTooLargeError extends AppError {
  constructor(message: string) {
    super(413, message);
  }
}

export class MalformedUploadError extends AppError {
  constructor(message = 'Dữ liệu tải lên bị gián đoạn hoặc không đúng định dạng. Tệp chưa được lưu; vui lòng thử lại.') {
    super(400, message);
  }
}

const STORAGE_NAME = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.[a-z0-9]{2,5}$/;
const TEMP_SUFFIX = '.part';

function ignoreMissing(err: unknown): void {
  if ((err as NodeJS.ErrnoException)?.code !== 'ENOENT') throw err;
}

async function unlinkIfPresent(file: string): Promise<void> {
  await fsp.unlink(file).catch(ignoreMissing);
}

/** Make a directory entry durable (rename/link). Not every platform can fsync a directory: best effort. */
async function syncDir(dir: string): Promise<void> {
  let handle: fsp.FileHandle | null = null;
  try {
    handle = await fsp.open(dir, 'r');
    await handle.sync();
  } catch {
    // EISDIR/EPERM/EINVAL on some platforms; the file itself has been fsynced.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/**
 * The multer storage engine: streams each upload into a fresh temp file under `tmpDir` while hashing it, and
 * removes the temp file on every failure path (an engine error, multer's abort, a removal while still writing).
 */
function createHashingEngine(tmpDir: string): StorageEngine {
  // Created on first use, so an app that never receives a file leaves no folder behind.
  let tmpReady: Promise<unknown> | null = null;
  const ensureTmp = () => {
    tmpReady ??= fsp.mkdir(tmpDir, { recursive: true, mode: 0o750 }).catch((err: unknown) => {
      tmpReady = null;
      throw err;
    });
    return tmpReady;
  };

  // Write streams still open per file, so a removal can wait for the descriptor to close first.
  const openStreams = new WeakMap<object, fs.WriteStream>();

  function removeTempFile(file: object, tempPath: string, cb: (err: Error | null) => void): void {
    const out = openStreams.get(file);
    const unlink = () =>
      unlinkIfPresent(tempPath).then(
        () => cb(null),
        (err: Error) => cb(err),
      );
    if (!out || out.closed) return void unlink();
    out.once('close', unlink);
    out.destroy();
  }

  const engine: StorageEngine = {
    _handleFile(_req, file, cb) {
      ensureTmp().then(
        () => receive(file, cb),
        (err: Error) => cb(err),
      );
    },
    _removeFile(_req, file, cb) {
      const tempPath = file.path;
      if (!tempPath) return cb(null);
      removeTempFile(file, tempPath, cb);
    },
  };

  function receive(file: Express.Multer.File, cb: (error?: unknown, info?: Partial<ReceivedFile>) => void): void {
    if (file.stream.destroyed) {
      cb(new MalformedUploadError());
      return;
    }
    const tempPath = path.join(tmpDir, `${randomUUID()}${TEMP_SUFFIX}`);
    const hash = createHash('sha256');
    let size = 0;
    const hasher = new Transform({
      transform(chunk: Buffer, _enc, done) {
        hash.update(chunk);
        size += chunk.length;
        done(null, chunk);
      },
    });
    const out = fs.createWriteStream(tempPath, { flags: 'wx', mode: 0o600 });
    openStreams.set(file, out);
    out.once('close', () => openStreams.delete(file));
    // Known before the first byte, so multer's abort path (client gone, limit hit) can remove it.
    file.path = tempPath;
    pipeline(file.stream, hasher, out, (err) => {
      if (err) {
        // Multer does not clean up after an engine error: remove the partial file here.
        removeTempFile(file, tempPath, () => cb(err));
        return;
      }
      cb(null, { path: tempPath, size, sha256: hash.digest('hex') });
    });
  }

  return engine;
}

/**
 * Where a stored file lives relative to UPLOAD_DIR, with forward slashes (`files/<ab>/<name>`): the layout the backup
 * manifest lists files by, so a register row can be matched with its copy in a backup.
 */
export function storedRelativePath(storageName: string): string {
  if (!STORAGE_NAME.test(storageName)) throw new Error(`invalid storage name: ${JSON.stringify(storageName)}`);
  return `files/${storageName.slice(0, 2)}/${storageName}`;
}

export function createDocumentStorage(uploadDir: string) {
  const root = path.resolve(uploadDir);
  const tmpDir = path.join(root, 'tmp');
  const filesDir = path.join(root, 'files');
  const engine = createHashingEngine(tmpDir);

  function pathFor(storageName: string): string {
    return path.join(root, ...storedRelativePath(storageName).split('/'));
  }

  function isTempPath(file: string): boolean {
    const resolved = path.resolve(file);
    return path.dirname(resolved) === tmpDir && resolved.endsWith(TEMP_SUFFIX);
  }

  return {
    root,
    tmpDir,
    filesDir,
    engine,
    pathFor,

    /** A fresh, unguessable name; the extension comes from the type detected by content. */
    newStorageName(ext: string): string {
      return `${randomUUID()}.${ext}`;
    },

    /**
     * Move a received temp file into the store under its generated name: fsync, hard-link (never overwrites an
     * existing file), drop the temp name, fsync the directory. Called as the last step inside the transaction
     * that inserts the row.
     */
    async place(tempPath: string, storageName: string): Promise<void> {
      if (!isTempPath(tempPath)) throw new Error('place() takes a file received into the temp folder');
      const dest = pathFor(storageName);
      await fsp.mkdir(path.dirname(dest), { recursive: true, mode: 0o750 });
      const handle = await fsp.open(tempPath, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      try {
        await fsp.link(tempPath, dest);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
        await fsp.copyFile(tempPath, dest, fs.constants.COPYFILE_EXCL);
      }
      await fsp.chmod(dest, 0o440).catch(() => undefined);
      await unlinkIfPresent(tempPath);
      await syncDir(path.dirname(dest));
    },

    /** Only for a file whose database row never committed (no orphan, RELIABILITY check 33). */
    async removeUncommitted(storageName: string): Promise<void> {
      await unlinkIfPresent(pathFor(storageName));
    },

    /** Remove a temp file if it is still there (every path out of an upload request). */
    async discardTemp(tempPath: string | undefined | null): Promise<void> {
      if (!tempPath || !isTempPath(tempPath)) return;
      await unlinkIfPresent(tempPath);
    },

    /** Open a stored file for reading; throws ENOENT when the file is missing. */
    open(storageName: string): Promise<fsp.FileHandle> {
      return fsp.open(pathFor(storageName), 'r');
    },

    /**
     * Remove temp files left by a process that was killed mid-upload (RELIABILITY check 37). Only files older than
     * `olderThanMs`, so another instance's upload in progress is left alone.
     */
    async sweepTemp(now: Date, olderThanMs = 60 * 60_000): Promise<number> {
      let removed = 0;
      const names = await fsp.readdir(tmpDir).catch((err: unknown) => {
        ignoreMissing(err);
        return [] as string[];
      });
      for (const name of names) {
        if (!name.endsWith(TEMP_SUFFIX)) continue;
        const full = path.join(tmpDir, name);
        const stat = await fsp.stat(full).catch(() => null);
        if (stat?.isFile() && now.getTime() - stat.mtimeMs > olderThanMs) {
          await unlinkIfPresent(full);
          removed += 1;
        }
      }
      return removed;
    },
  };
}

export type DocumentStorage = ReturnType<typeof createDocumentStorage>;

export interface ReceiveOptions {
  /** The file field's name. */
  field: string;
  maxBytes: number;
  maxMb: number;
  /** Text fields the form may carry (besides the file). */
  maxFields: number;
  /** Decide from the fields received before the file whether to store it at all (e.g. a refused declaration). */
  acceptFile?: (fieldsSoFar: Record<string, unknown>) => boolean;
}

/**
 * A per-route multipart receiver: multer with tight limits over the hashing temp-file engine. Resolves when the
 * body is fully received (req.body holds the fields, req.file the temp file if any); rejects with a typed error
 * (413 over the limit, 400 for a malformed or truncated body) after multer removed any partial file.
 */
export function createUploadReceiver(storage: DocumentStorage, options: ReceiveOptions) {
  const middleware = multer({
    storage: storage.engine,
    limits: {
      fileSize: options.maxBytes,
      files: 1,
      fields: options.maxFields,
      parts: options.maxFields + 1,
      fieldNameSize: 100,
      fieldSize: 8 * 1024,
      headerPairs: 20,
    },
    // Browsers send the file name as raw UTF-8 (Vietnamese names).
    defParamCharset: 'utf8',
    fileFilter(req: Request, _file: Express.Multer.File, cb: FileFilterCallback) {
      cb(null, options.acceptFile ? options.acceptFile((req.body ?? {}) as Record<string, unknown>) : true);
    },
  }).single(options.field);

  return (req: Request, res: Response): Promise<void> =>
    new Promise((resolve, reject) => {
      middleware(req, res, (err?: unknown) => {
        if (!err) {
          cleanFormBody(req.body);
          return resolve();
        }
        if (err instanceof multer.MulterError) {
          if (err.code === 'LIMIT_FILE_SIZE') {
            return reject(new UploadTooLargeError(`Tệp vượt quá dung lượng tối đa ${options.maxMb} MB. Tệp chưa được lưu.`));
          }
          return reject(
            new MalformedUploadError(
              'Biểu mẫu tải lên không hợp lệ: mỗi lần chỉ gửi một tệp cùng các trường của biểu mẫu. Tệp chưa được lưu.',
            ),
          );
        }
        // A disk error (ENOSPC, EACCES …) is ours: a 500. Anything else is a broken or cut-off body: a 400.
        if (err instanceof Error && 'syscall' in err) return reject(err);
        reject(new MalformedUploadError());
      });
    });
}
