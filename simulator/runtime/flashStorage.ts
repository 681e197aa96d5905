// Storage as Espruino keeps it in flash (src/jsflash.c): files one after another, each a
// 32-byte header (size and a name of at most 28 characters) and its data padded to 4 bytes.
// Erasing only marks a file deleted; its space comes back when the area is compacted, which
// erases every page once. Writing at an offset programs still-erased bytes only. Errors carry
// the interpreter's own messages. Counters record what the flash goes through (wear).

export const STORAGE_NAME_MAX = 28;
const HEADER_BYTES = 32;

export interface StoredFile {
  name: string;
  data: Uint8Array;
}

/** What survives power loss: the files and the flash counters. */
export interface StorageSnapshot {
  capacityBytes: number;
  pageBytes: number;
  /** Bytes taken by deleted files not yet compacted away. */
  deletedBytes: number;
  files: StoredFile[];
  wear: FlashWear;
}

export interface FlashWear {
  bytesProgrammed: number;
  compactions: number;
  /** Page erases summed over all pages. */
  pageErases: number;
}

function aligned(n: number): number {
  return (n + 3) & ~3;
}

export function footprint(size: number): number {
  return HEADER_BYTES + aligned(size);
}

export class FlashStorage {
  readonly capacityBytes: number;
  readonly pageBytes: number;
  private files: StoredFile[] = [];
  private deletedBytes = 0;
  readonly wear: FlashWear = { bytesProgrammed: 0, compactions: 0, pageErases: 0 };
  /** Called with "Compacting...\n" and the like, as the interpreter prints them. */
  onMessage: (text: string) => void = () => {};

  constructor(capacityBytes: number, pageBytes: number, snapshot?: StorageSnapshot) {
    this.capacityBytes = capacityBytes;
    this.pageBytes = pageBytes;
    if (snapshot) {
      this.files = snapshot.files.map((f) => ({ name: f.name, data: new Uint8Array(f.data) }));
      this.deletedBytes = snapshot.deletedBytes;
      Object.assign(this.wear, snapshot.wear);
    }
  }

  snapshot(): StorageSnapshot {
    return {
      capacityBytes: this.capacityBytes,
      pageBytes: this.pageBytes,
      deletedBytes: this.deletedBytes,
      files: this.files.map((f) => ({ name: f.name, data: new Uint8Array(f.data) })),
      wear: { ...this.wear },
    };
  }

  usedBytes(): number {
    let used = this.deletedBytes;
    for (const f of this.files) used += footprint(f.data.length);
    return used;
  }

  /** Free bytes as require("Storage").getFree() reports: space after the last file. */
  freeBytes(): number {
    return this.capacityBytes - this.usedBytes();
  }

  list(): string[] {
    return this.files.map((f) => f.name);
  }

  find(name: string): StoredFile | undefined {
    return this.files.find((f) => f.name === name);
  }

  read(name: string): Uint8Array | undefined {
    return this.find(name)?.data;
  }

  private static checkName(name: string): void {
    if (name.length === 0) throw new Error("Invalid Storage file name: empty");
    if (name.length > STORAGE_NAME_MAX) throw new Error(`File name too long: "${name}" is ${name.length} characters, at most ${STORAGE_NAME_MAX}`);
  }

  erase(name: string): void {
    FlashStorage.checkName(name);
    const index = this.files.findIndex((f) => f.name === name);
    if (index < 0) return;
    this.deletedBytes += footprint(this.files[index].data.length);
    this.files.splice(index, 1);
  }

  eraseAll(): void {
    this.wear.pageErases += Math.ceil(this.capacityBytes / this.pageBytes);
    this.files = [];
    this.deletedBytes = 0;
  }

  compact(): void {
    this.onMessage("Compacting...\n");
    const pagesTouched = Math.ceil(this.usedBytes() / this.pageBytes);
    this.wear.compactions++;
    this.wear.pageErases += pagesTouched;
    for (const f of this.files) this.wear.bytesProgrammed += footprint(f.data.length);
    this.deletedBytes = 0;
  }

  private create(name: string, size: number): StoredFile | null {
    this.erase(name);
    if (this.freeBytes() < footprint(size)) this.compact();
    if (this.freeBytes() < footprint(size)) return null;
    const file: StoredFile = { name, data: new Uint8Array(size).fill(0xff) };
    this.files.push(file);
    this.wear.bytesProgrammed += HEADER_BYTES;
    return file;
  }

  /** require("Storage").write(name, data, offset, size), byte for byte as jsfWriteFile does it. */
  write(name: string, bytes: Uint8Array, offset: number, size: number): boolean {
    FlashStorage.checkName(name);
    if (offset < 0 || size < 0) return false;
    if (bytes.length === 0) return false;
    const wanted = size === 0 ? bytes.length : size;
    let file = this.find(name);
    const isErased = (f: StoredFile, from: number, to: number) => f.data.subarray(from, to).every((b) => b === 0xff);
    if ((!file && offset === 0) || (file && offset === 0 && (wanted !== file.data.length || !isErased(file, 0, wanted)))) {
      if (file && offset === 0 && wanted === file.data.length && bytes.length === wanted && file.data.every((b, i) => b === bytes[i])) return true;
      file = this.create(name, wanted) ?? undefined;
    }
    if (!file) throw new Error("Unable to find or create file");
    if (offset + bytes.length > file.data.length) throw new Error("Too much data for file size");
    if (!isErased(file, offset, offset + bytes.length)) throw new Error("File already written with different data");
    file.data.set(bytes, offset);
    this.wear.bytesProgrammed += bytes.length;
    return true;
  }
}
