import { randomBytes } from 'node:crypto';

/** Per-field messages in kintone's `errors` object, keyed like `record.在庫数.value`. */
export type KintoneFieldErrors = Record<string, { messages: string[] }>;

/** kintone's JSON error body. */
export interface KintoneErrorBody {
  code: string;
  id: string;
  message: string;
  errors?: KintoneFieldErrors;
}

/**
 * A request the local kintone refuses, carrying the HTTP status and kintone error code
 * the real service would answer with. Thrown inside request handling, turned into a
 * JSON response in one place.
 */
export class LocalKintoneApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors?: KintoneFieldErrors,
  ) {
    super(message);
    this.name = 'LocalKintoneApiError';
  }

  /** The response body, with a fresh error id as kintone gives each error. */
  toBody(): KintoneErrorBody {
    const body: KintoneErrorBody = { code: this.code, id: newErrorId(), message: this.message };
    if (this.errors !== undefined) body.errors = this.errors;
    return body;
  }
}

/** kintone error ids are opaque 20-character strings; only their uniqueness matters. */
export function newErrorId(): string {
  return randomBytes(15).toString('base64url');
}

/** 400 CB_VA01, kintone's generic validation failure, with per-field messages. */
export function validationError(errors: KintoneFieldErrors): LocalKintoneApiError {
  return new LocalKintoneApiError(400, 'CB_VA01', 'Missing or invalid input.', errors);
}

/** 400 CB_VA01 for one parameter. */
export function invalidParameter(key: string, message: string): LocalKintoneApiError {
  return validationError({ [key]: { messages: [message] } });
}

/** 404 GAIA_AP01. */
export function appNotFound(appId: string): LocalKintoneApiError {
  return new LocalKintoneApiError(
    404,
    'GAIA_AP01',
    `The app (ID: ${appId}) not found. The app may have been deleted.`,
  );
}

/** 404 GAIA_RE01. */
export function recordNotFound(recordId: string): LocalKintoneApiError {
  return new LocalKintoneApiError(
    404,
    'GAIA_RE01',
    `The specified record (ID: ${recordId}) is not found.`,
  );
}

/** 409 GAIA_CO02: the optimistic lock failed and nothing was written. */
export function revisionConflict(): LocalKintoneApiError {
  return new LocalKintoneApiError(
    409,
    'GAIA_CO02',
    'The revision is not the latest. Someone may update a record after you opened it.',
  );
}
