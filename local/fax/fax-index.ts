import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

const callbackResultSchema = z.object({
  /** When the emulator POSTed the callback. */
  at: z.string(),
  /** HTTP status the receiver answered with, when it answered. */
  status: z.number().optional(),
  /** Why the POST failed, when no answer arrived. */
  error: z.string().optional(),
});

const receivedFaxSchema = z.object({
  /** Phaxio fax id (an integer, as Phaxio's). */
  id: z.number().int().positive(),
  /** When POST /v2/faxes accepted it (ISO 8601). */
  createdAt: z.string(),
  /** E.164 recipient. */
  to: z.string(),
  fileName: z.string(),
  fileSize: z.number().int().nonnegative(),
  numPages: z.number().int().positive(),
  /** `tag[NAME]` fields as sent. */
  tags: z.record(z.string(), z.string()),
  callbackUrl: z.string().optional(),
  /** Phaxio's job status: queued until the simulated transmission ends. */
  status: z.enum(['queued', 'success', 'failure']),
  /** Decided when the fax is accepted (fault injection), played after the delay. */
  outcome: z.enum(['success', 'failure']),
  completedAt: z.string().optional(),
  errorType: z.string().optional(),
  errorMessage: z.string().optional(),
  callback: callbackResultSchema.optional(),
});

const indexSchema = z.object({
  version: z.literal(1),
  nextId: z.number().int().positive(),
  faxes: z.array(receivedFaxSchema),
});

/** One fax the emulator accepted, as kept in `fax/index.json`. */
export type ReceivedFax = z.infer<typeof receivedFaxSchema>;

/**
 * The emulator's persistent state: PDFs as `DIR/fax/<id>.pdf` and an index
 * `DIR/fax/index.json`, rewritten atomically after each change so a restart (or a crash)
 * keeps every accepted fax and its status.
 */
export class FaxIndex {
  readonly #dir: string;
  readonly #indexPath: string;
  #nextId: number;
  readonly #faxes: ReceivedFax[];

  constructor(dataDir: string) {
    this.#dir = join(dataDir, 'fax');
    this.#indexPath = join(this.#dir, 'index.json');
    mkdirSync(this.#dir, { recursive: true });
    if (existsSync(this.#indexPath)) {
      const parsed = indexSchema.safeParse(JSON.parse(readFileSync(this.#indexPath, 'utf8')));
      if (!parsed.success) {
        throw new Error(
          `${this.#indexPath} is not a fax emulator index (${parsed.error.issues[0]?.message}); ` +
            'move it away to start with an empty outbox.',
        );
      }
      this.#nextId = parsed.data.nextId;
      this.#faxes = parsed.data.faxes;
    } else {
      this.#nextId = 1;
      this.#faxes = [];
    }
  }

  /** Stores the PDF first, then the index entry, so an indexed fax always has its file. */
  add(fax: Omit<ReceivedFax, 'id'>, pdf: Buffer): ReceivedFax {
    const stored: ReceivedFax = { id: this.#nextId, ...fax };
    writeFileSync(this.pdfPath(stored.id), pdf);
    this.#nextId += 1;
    this.#faxes.push(stored);
    this.#save();
    return { ...stored };
  }

  update(id: number, change: Partial<Omit<ReceivedFax, 'id'>>): ReceivedFax | undefined {
    const fax = this.#faxes.find((candidate) => candidate.id === id);
    if (fax === undefined) return undefined;
    Object.assign(fax, change);
    this.#save();
    return { ...fax };
  }

  get(id: number): ReceivedFax | undefined {
    const fax = this.#faxes.find((candidate) => candidate.id === id);
    return fax === undefined ? undefined : { ...fax };
  }

  /** Every fax, oldest first (copies). */
  all(): ReceivedFax[] {
    return this.#faxes.map((fax) => ({ ...fax }));
  }

  pdfPath(id: number): string {
    return join(this.#dir, `${id}.pdf`);
  }

  #save(): void {
    const temporary = `${this.#indexPath}.tmp`;
    writeFileSync(
      temporary,
      `${JSON.stringify({ version: 1, nextId: this.#nextId, faxes: this.#faxes }, null, 2)}\n`,
    );
    renameSync(temporary, this.#indexPath);
  }
}
