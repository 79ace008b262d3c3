/**
 * The raw-file store in a backup: every stored file under UPLOAD_DIR/files is copied into the artefact's
 * files/ folder with its SHA-256, computed while copying. Files are written before their row commits and never
 * deleted, so copying after the database snapshot gives every file the snapshot refers to (and perhaps a few newer).
 * Temp files of uploads in progress (UPLOAD_DIR/tmp) are not part of the store.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { storedRelativePath } from '../documents/documents.storage.js';
import type { RawFileRegister, RecordedRawFile } from './backup.repository.js';

export interface FileEntry {
  /** Relative to the store root with forward slashes, e.g. `files/ab/<uuid>.pdf`. */
  path: string;
  bytes: number;
  sha256: string;
}

/** Relative paths of every file under `root/sub`, sorted. */
export async function listFiles(root: string, sub = 'files'): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string) => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fsp.readdir(dir, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) await walk(full);
      else if (e.isFile()) out.push(path.relative(root, full).split(path.sep).join('/'));
    }
  };
  await walk(path.join(root, sub));
  return out.sort();
}

export async function sha256File(file: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

/** Copies one file, hashing the bytes as they pass; `exclusive` refuses to overwrite. */
export async function copyHashed(from: string, to: string, exclusive = true): Promise<{ sha256: string; bytes: number }> {
  await fsp.mkdir(path.dirname(to), { recursive: true });
  const hash = createHash('sha256');
  let bytes = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      bytes += chunk.length;
      cb(null, chunk);
    },
  });
  const out = createWriteStream(to, { flags: exclusive ? 'wx' : 'w', mode: 0o640 });
  await pipeline(createReadStream(from), tap, out);
  return { sha256: hash.digest('hex'), bytes };
}

/** Copies the store's files into `destRoot` (same relative layout). */
export async function copyStore(storeRoot: string, destRoot: string): Promise<FileEntry[]> {
  const entries: FileEntry[] = [];
  for (const rel of await listFiles(storeRoot)) {
    const r = await copyHashed(path.join(storeRoot, rel), path.join(destRoot, rel));
    entries.push({ path: rel, ...r });
  }
  return entries;
}

/** A path from a manifest, refused if it could leave the folder it is resolved in. */
export function safeRelative(rel: string): string {
  if (!/^files\/[A-Za-z0-9._/-]+$/.test(rel) || rel.split('/').some((p) => p === '..' || p === '.' || p === '')) {
    throw new Error(`Đường dẫn tệp không hợp lệ trong manifest: ${rel}`);
  }
  return rel;
}

export interface RawFileProblem {
  register: RawFileRegister;
  id: number;
  /** Where the file should be, relative to the store (`files/<ab>/<name>`), or the recorded name when it is not valid. */
  path: string;
  damage: 'missing' | 'changed';
}

/**
 * every raw file a register row of the snapshot refers to must be in the copy with exactly the SHA-256 (and
 * size) recorded when it was uploaded. `copied` holds the hashes computed while copying, so what is checked is what
 * the backup holds. Files without a row (newer than the snapshot) are not judged.
 */
export function checkRecordedFiles(recorded: readonly RecordedRawFile[], copied: readonly FileEntry[]): RawFileProblem[] {
  const byPath = new Map(copied.map((f) => [f.path, f]));
  const problems: RawFileProblem[] = [];
  for (const r of recorded) {
    let rel: string;
    try {
      rel = storedRelativePath(r.storageName);
    } catch {
      problems.push({ register: r.register, id: r.id, path: r.storageName, damage: 'missing' });
      continue;
    }
    const got = byPath.get(rel);
    if (!got) problems.push({ register: r.register, id: r.id, path: rel, damage: 'missing' });
    else if (got.sha256 !== r.sha256 || (r.bytes !== null && got.bytes !== r.bytes)) {
      problems.push({ register: r.register, id: r.id, path: rel, damage: 'changed' });
    }
  }
  return problems;
}
