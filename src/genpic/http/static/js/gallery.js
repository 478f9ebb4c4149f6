// This browser's recent images, kept in localStorage (keys and prompts only, never image bytes).

import { showImage } from "./render.js";

const STORE = "genpic.gallery.v1";
const LIMIT = 48;

function load() {
  try {
    const items = JSON.parse(localStorage.getItem(STORE) || "[]");
    return Array.isArray(items) ? items : [];
  } catch {
    return [];
  }
}

function save(items) {
  try {
    localStorage.setItem(STORE, JSON.stringify(items.slice(0, LIMIT)));
  } catch {
    // Private windows and full storage refuse writes; the gallery is a convenience.
  }
}

/** Remember the images of these success bodies, newest first, and redraw. */
export function remember(bodies) {
  const fresh = bodies.map((body) => ({
    key: body.key,
    filename: body.filename,
    prompt: body.original_prompt ?? body.parameters?.prompt ?? "",
    style: body.enhancement?.status === "applied" ? body.enhancement.style : null,
    seed: body.seed,
    size: `${body.width}×${body.height}`,
    at: Date.now(),
  }));
  const keys = new Set(fresh.map((item) => item.key));
  save([...fresh, ...load().filter((item) => !keys.has(item.key))]);
  draw();
}

function forget(key) {
  save(load().filter((item) => item.key !== key));
  draw();
}

function tile(item) {
  const li = document.createElement("li");
  const thumb = document.createElement("a");
  thumb.className = "thumb";
  thumb.target = "_blank";
  thumb.rel = "noopener";
  const img = document.createElement("img");
  img.alt = item.prompt;
  img.loading = "lazy";
  // An image that is gone (a cleared data directory) shows an empty tile, not a broken icon.
  img.addEventListener("error", () => img.remove(), { once: true });
  thumb.append(img);
  const caption = document.createElement("p");
  caption.className = "caption";
  caption.textContent = item.prompt;
  caption.title = item.prompt;
  const row = document.createElement("div");
  row.className = "row";
  const meta = document.createElement("small");
  meta.className = "meta";
  meta.textContent = [item.style, item.size].filter(Boolean).join(" · ");
  const download = document.createElement("a");
  download.className = "button ghost";
  download.setAttribute("download", item.filename || "");
  download.textContent = "Download";
  const remove = document.createElement("button");
  remove.type = "button";
  remove.className = "ghost";
  remove.textContent = "✕";
  remove.setAttribute("aria-label", "Remove from recent images");
  remove.addEventListener("click", () => forget(item.key));
  showImage(item.key, img, [thumb, download]);
  row.append(download, remove);
  li.append(thumb, caption, meta, row);
  return li;
}

/** Redraw the gallery from localStorage. */
export function draw() {
  const items = load();
  document.getElementById("gallery").replaceChildren(...items.map(tile));
  document.getElementById("gallery-empty").hidden = items.length > 0;
  document.getElementById("clear-gallery").hidden = items.length === 0;
}

/** Forget every image (the files stay on the server). */
export function clear() {
  save([]);
  draw();
}
