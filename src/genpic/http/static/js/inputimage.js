// The input image for image-to-image: drop or pick, uploaded at once through POST /uploads.

import { ApiError, uploadImage } from "./api.js";

const el = (id) => document.getElementById(id);

let pending = null; // Promise of {init_image_s3} or {init_image}, or null with no image.
let previewUrl = null;

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
  el("strength-field").hidden = !file;
  el("ratio-hint").hidden = !file;
  for (const radio of document.querySelectorAll("#ratios input")) radio.disabled = Boolean(file);
  if (file) {
    el("input-thumb").src = previewUrl;
    el("input-name").textContent = file.name;
  }
}

function status(text) {
  el("input-status").textContent = text;
}

function choose(file, storage, onError) {
  show(file);
  status(`${Math.ceil(file.size / 1024)} KB · uploading…`);
  pending = store(file, storage);
  pending.then(
    () => status(`${Math.ceil(file.size / 1024)} KB · ready`),
    (error) => {
      status("upload failed");
      onError(error);
    },
  );
}

/** Wire the drop zone. `storage` is the backend /health reports; `onError` shows an upload error. */
export function setUp(storage, onError) {
  const zone = el("dropzone");
  const picker = el("file");
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
  el("remove-image").addEventListener("click", () => {
    pending = null;
    picker.value = "";
    show(null);
  });
  const strength = el("strength");
  strength.addEventListener("input", () => {
    el("strength-value").textContent = Number(strength.value).toFixed(2);
  });
}

/** The image fields for the request body, once the upload has finished; null without an image. */
export function imageFields() {
  return pending;
}
