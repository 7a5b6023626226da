import { NETWORK_ERROR, vietnameseError } from './errors-vi.js';
import { expire, session } from './session.js';

export const API_BASE = '/api/v1';

/** An error to show the user: `message` is Vietnamese; `code` and `detail` come from the API. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
    readonly detail: string,
    readonly body: unknown = undefined,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface Problem {
  statusCode?: number;
  code?: string;
  message?: string | string[];
}

function problemOf(status: number, body: unknown): ApiError {
  const problem = (typeof body === 'object' && body !== null ? body : {}) as Problem;
  const detail = Array.isArray(problem.message)
    ? problem.message.join('; ')
    : (problem.message ?? '');
  return new ApiError(
    status,
    problem.code,
    vietnameseError(status, problem.code, detail, body),
    detail,
    body,
  );
}

function authHeaders(): Record<string, string> {
  const token = session()?.accessToken;
  return token ? { Authorization: `Bearer ${token}` } : {};
}

/** A 401 on an authenticated call means the token expired or was revoked (the body says why). */
function checkUnauthorized(status: number, body: unknown): void {
  if (status !== 401 || !session()) return;
  const reason = (body as { reason?: unknown } | null)?.reason;
  expire(typeof reason === 'string' ? reason : undefined);
}

export interface RequestOptions {
  headers?: Record<string, string>;
  /** Plain-object bodies go as JSON; FormData as multipart. */
  body?: unknown;
}

async function send(method: string, path: string, options: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { ...authHeaders(), ...options.headers };
  let body: BodyInit | undefined;
  if (options.body instanceof FormData) {
    body = options.body;
  } else if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  try {
    return await fetch(`${API_BASE}${path}`, { method, headers, body });
  } catch {
    throw new ApiError(0, undefined, NETWORK_ERROR, 'network error');
  }
}

async function parseBody(response: Response): Promise<unknown> {
  const type = response.headers.get('Content-Type') ?? '';
  if (response.status === 204) return undefined;
  if (type.includes('application/json')) return (await response.json()) as unknown;
  return await response.text();
}

/** Calls the API; resolves with the JSON answer or rejects with an ApiError in Vietnamese. */
export async function api<T>(
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  path: string,
  options: RequestOptions = {},
): Promise<T> {
  const response = await send(method, path, options);
  const body = await parseBody(response);
  if (!response.ok) {
    checkUnauthorized(response.status, body);
    throw problemOf(response.status, body);
  }
  return body as T;
}

export const get = <T>(path: string): Promise<T> => api<T>('GET', path);
export const post = <T>(path: string, body?: unknown, headers?: Record<string, string>) =>
  api<T>('POST', path, { body, headers });
export const patch = <T>(path: string, body: unknown) => api<T>('PATCH', path, { body });
export const put = <T>(path: string, body: unknown) => api<T>('PUT', path, { body });
export const del = (path: string) => api<void>('DELETE', path);

/** A binary answer (audio, an export) as a Blob, with the file name the server suggests. */
export async function getBlob(path: string): Promise<{ blob: Blob; fileName: string | null }> {
  const response = await send('GET', path, {});
  if (!response.ok) {
    const body = await parseBody(response);
    checkUnauthorized(response.status, body);
    throw problemOf(response.status, body);
  }
  const disposition = response.headers.get('Content-Disposition') ?? '';
  const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
  return {
    blob: await response.blob(),
    fileName: match ? decodeURIComponent(match[1]) : null,
  };
}

/** Uploads a multipart form with progress (fetch reports no upload progress). */
export function upload<T>(
  path: string,
  form: FormData,
  onProgress: (fraction: number) => void,
  headers: Record<string, string> = {},
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', `${API_BASE}${path}`);
    for (const [name, value] of Object.entries({ ...authHeaders(), ...headers })) {
      request.setRequestHeader(name, value);
    }
    request.responseType = 'json';
    request.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    });
    request.addEventListener('load', () => {
      const body = request.response as unknown;
      if (request.status >= 200 && request.status < 300) {
        onProgress(1);
        resolve(body as T);
      } else {
        checkUnauthorized(request.status, body);
        reject(problemOf(request.status, body));
      }
    });
    request.addEventListener('error', () =>
      reject(new ApiError(0, undefined, NETWORK_ERROR, 'network error')),
    );
    request.send(form);
  });
}

/** The Vietnamese text to show for anything a call threw. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return 'Đã xảy ra lỗi không mong muốn. Vui lòng tải lại trang.';
}
