// Calls to the genpic HTTP routes. Paths are relative so an API Gateway stage prefix keeps working.

import { t } from "./i18n.js";

/** An error body from genpic ({error, message, field?, details?}) with its HTTP status. */
export class ApiError extends Error {
  constructor(status, body, retryAfter) {
    super(body.message || t("error.status", { status }));
    this.status = status;
    this.body = body;
    this.retryAfter = retryAfter;
  }
}

async function parse(response) {
  const text = await response.text();
  let body;
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    body = { error: "InternalError", message: t("error.nonjson", { status: response.status }) };
  }
  if (!response.ok) {
    throw new ApiError(response.status, body, response.headers.get("Retry-After"));
  }
  return body;
}

const KEY_STORE = "genpic.apiKey";

/** The API key this browser keeps for a server that requires one (GENPIC_API_KEY), or "". */
export function apiKey() {
  try {
    return localStorage.getItem(KEY_STORE) || "";
  } catch {
    return "";
  }
}

/** Keep (or, with "", forget) the API key sent on every API call. */
export function setApiKey(key) {
  if (key) localStorage.setItem(KEY_STORE, key);
  else localStorage.removeItem(KEY_STORE);
}

async function send(path, init) {
  const key = apiKey();
  const headers = { ...(init.headers || {}), ...(key ? { Authorization: `Bearer ${key}` } : {}) };
  let response;
  try {
    response = await fetch(path, { ...init, headers });
  } catch {
    throw new ApiError(0, {
      error: "NetworkError",
      message: t("error.network"),
    });
  }
  return parse(response);
}

/** GET a JSON route. */
export function getJSON(path) {
  return send(path, { headers: { Accept: "application/json" } });
}

/** POST a JSON body to a route and return its JSON answer. */
export function postJSON(path, body) {
  return send(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(body),
  });
}

/**
 * A URL the browser can show and download for a route that may need the API key.
 *
 * Without a key that is the route itself. With one, an <img> cannot send the header, so
 * the bytes are fetched with it and shown from a blob URL; if that fails (an S3 redirect
 * the bucket's CORS does not allow), `fallback` (the presigned link of a fresh result).
 */
export async function viewableUrl(path, fallback) {
  const key = apiKey();
  if (!key) return path;
  try {
    const response = await fetch(path, { headers: { Authorization: `Bearer ${key}` } });
    if (response.ok) return URL.createObjectURL(await response.blob());
  } catch {
    // Fall through to the fallback below.
  }
  return fallback || path;
}

/** POST a multipart form (FormData) and return the JSON answer. */
export function postForm(path, form) {
  return send(path, { method: "POST", body: form });
}

/**
 * Store an input image for image-to-image and return its `init_image_s3`.
 *
 * Locally genpic takes the file itself (multipart `file`). On S3 it answers with a presigned
 * POST (`upload: {url, fields}`), and the browser sends the file straight to the bucket, so
 * large images never pass through Lambda's 6 MB payload limit.
 */
export async function uploadImage(file, storage) {
  if (storage === "s3") {
    const ticket = await postJSON("uploads", { content_type: file.type });
    const form = new FormData();
    for (const [name, value] of Object.entries(ticket.upload.fields)) form.append(name, value);
    form.append("file", file);
    let response;
    try {
      response = await fetch(ticket.upload.url, { method: "POST", body: form });
    } catch {
      throw new ApiError(0, { error: "NetworkError", message: t("error.s3.network") });
    }
    if (!response.ok) {
      throw new ApiError(response.status, {
        error: "InvalidImage",
        field: "init_image",
        message: t("error.s3.refused", { status: response.status }),
      });
    }
    return ticket.init_image_s3;
  }
  const form = new FormData();
  form.append("file", file);
  const body = await postForm("uploads", form);
  return body.init_image_s3;
}
