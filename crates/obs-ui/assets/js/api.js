// The UI's only way to data: the Tempo, Loki and Prometheus HTTP APIs on the same origin, under
// Grafana's datasource-proxy paths. Errors carry the API's own message.

const PROXY = '/api/datasources/proxy/uid';
export const TEMPO = `${PROXY}/tempo`;
export const LOKI = `${PROXY}/loki`;
export const PROM = `${PROXY}/prometheus`;

/** An API answer that was not a success, with the server's message. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

function messageOf(status, statusText, body) {
  const text = body.trim();
  try {
    const json = JSON.parse(text);
    if (json && (json.error || json.message)) return `${status}: ${json.error || json.message}`;
  } catch { /* plain text body */ }
  return text ? `${status}: ${text}` : `${status} ${statusText || 'error'}`;
}

/**
 * GETs `path` with `query` params and answers its JSON; throws ApiError with the API's message.
 * @param {string} path
 * @param {Record<string, unknown>} [query]
 * @param {{signal?: AbortSignal, headers?: Record<string, string>}} [options]
 * @returns {Promise<any>}
 */
export async function getJSON(path, query = {}, { signal, headers } = {}) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const url = search.toString() ? `${path}?${search}` : path;
  const timeout = AbortSignal.timeout(30000);
  const both = signal ? AbortSignal.any([signal, timeout]) : timeout;
  let response;
  try {
    response = await fetch(url, { signal: both, headers });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new ApiError(0, `cannot reach ${path}: ${err.message}`);
  }
  const body = await response.text();
  if (!response.ok) throw new ApiError(response.status, messageOf(response.status, response.statusText, body));
  try {
    return body ? JSON.parse(body) : {};
  } catch {
    throw new ApiError(response.status, `${path} answered something that is not JSON: ${body.slice(0, 200)}`);
  }
}

/**
 * Prometheus-style envelope (`{status, data}`) unwrapped to `data`.
 * @param {string} path
 * @param {Record<string, unknown>} [query]
 * @param {{signal?: AbortSignal, headers?: Record<string, string>}} [options]
 * @returns {Promise<any>}
 */
export async function getData(path, query, options) {
  const json = await getJSON(path, query, options);
  if (json.status && json.status !== 'success') throw new ApiError(200, json.error || 'query failed');
  return json.data;
}
