// The input image for image-to-image: drop or pick, uploaded at once through POST /uploads.

import { ApiError, uploadImage } from "./api.js";
import { currentMode } from "./form.js";
import { formatNumber, onLanguageChange, t } from "./i18n.js";

const el = (id) => document.getElementById(id);

let pending = null; // Promise of {init_image_s3} or {init_image}, or null with no image.
let previewUrl = null;
let chosen = null; // the File shown, or null
const listeners = [];
let use = () => {};
let storageOf = () => undefined;

function readAsDataUrl(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

async function store(file, storage) {
  try {
    return { init_image_s3: await uploadImage(file, storage) };
  } catch (error) {
    // A server without the uploads route still takes the image inline, as base64.
    if (error instanceof ApiError && [404, 405, 501].includes(error.status)) {
      return { init_image: await readAsDataUrl(file) };
    }
    throw error;
  }
}

function show(file) {
  if (previewUrl) URL.revokeObjectURL(previewUrl);
  previewUrl = file ? URL.createObjectURL(file) : null;
  el("dropzone").querySelector(".drop-empty").hidden = Boolean(file);
  el("dropzone").querySelector(".drop-full").hidden = !file;
  el("input-thumb").hidden = !file;
  if (file) {
    el("input-thumb").src = previewUrl;
    el("input-name").textContent = file.name;
  }
  chosen = file;
  refresh();
  for (const listener of listeners) listener(file);
}

/** Show what an input image changes in the current mode (image-to-image; an edit keeps its fields). */
export function refresh() {
  const img2img = Boolean(chosen) && currentMode() !== "edit";
  el("strength-field").hidden = !img2img;
  el("ratio-hint").hidden = !img2img;
  for (const radio of document.querySelectorAll("#ratios input")) radio.disabled = img2img;
}

/** Run `listener(file)` whenever the input image changes (null: removed). */
export function onChange(listener) {
  listeners.push(listener);
}

/**
 * Store another input file (an edit's mask or style image) as the input image is stored.
 *
 * Returns {init_image_s3} (by reference: jobs take images no other way, and a body stays
 * under Lambda's 6 MB) or, on a server without uploads, {init_image}.
 */
export function storeFile(file) {
  return store(file, storageOf());
}

/** Make `file` the input image, as if it had been picked. */
export function useFile(file) {
  use(file);
}

let statusKey = null;
let statusSize = 0;

function status(key, bytes) {
  statusKey = key;
  statusSize = bytes;
  el("input-status").textContent = key ? t(key, { size: formatNumber(Math.ceil(bytes / 1024)) }) : "";
}

function choose(file, storage, onError) {
  show(file);
  status("input.uploading", file.size);
  pending = store(file, storage);
  pending.then(
    () => status("input.ready", file.size),
    (error) => {
      // The server's message, next to the field, says what is wrong; a thumbnail of a file
      // it refused would only be a broken-image icon.
      el("input-thumb").hidden = true;
      status("input.failed", file.size);
      onError(error);
    },
  );
}

/** Wire the drop zone. `storage` is the backend /health reports; `onError` shows an upload error. */
export function setUp(storage, onError) {
  const zone = el("dropzone");
  const picker = el("file");
  use = (file) => choose(file, storage(), onError);
  storageOf = storage;
  zone.addEventListener("click", (event) => {
    if (!event.target.closest("#remove-image")) picker.click();
  });
  zone.addEventListener("keydown", (event) => {
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      picker.click();
    }
  });
  picker.addEventListener("change", () => {
    if (picker.files[0]) choose(picker.files[0], storage(), onError);
  });
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.classList.add("over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    const file = event.dataTransfer.files[0];
    if (file) choose(file, storage(), onError);
  });
  // A file the browser cannot draw shows no broken-image icon either.
  el("input-thumb").addEventListener("error", () => { el("input-thumb").hidden = true; });
  onLanguageChange(() => {
    status(statusKey, statusSize);
    el("strength-value").textContent = strengthText();
  });
  el("remove-image").addEventListener("click", () => {
    pending = null;
    picker.value = "";
    show(null);
  });
  const strength = el("strength");
  strength.addEventListener("input", () => {
    el("strength-value").textContent = strengthText();
  });
  el("strength-value").textContent = strengthText();
}

function strengthText() {
  return formatNumber(Number(el("strength").value), { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

/** The image fields for the request body, once the upload has finished; null without an image. */
export function imageFields() {
  return pending;
}
