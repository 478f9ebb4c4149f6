// Recent images: the server's list (GET /images) when it keeps records, otherwise this
// browser's own list in localStorage (keys and prompts only, never image bytes).

import { ApiError, getJSON } from "./api.js";
import { formatDate, formatSize, t } from "./i18n.js";
import { ratingControl } from "./rating.js";
import { showImage } from "./render.js";

const STORE = "genpic.gallery.v1";
const LIMIT = 48;
const PAGE = 12;

// "server" once GET /images answered; "local" when the server keeps no records (404).
let source = "local";
let serverItems = [];
let cursor = null;

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

function item(body) {
  return {
    key: body.key,
    image_id: body.image_id,
    filename: body.filename,
    prompt: body.original_prompt ?? body.parameters?.prompt ?? "",
    style: body.enhancement?.status === "applied" ? body.enhancement.style : null,
    seed: body.seed,
    width: body.width,
    height: body.height,
    at: body.created_at ? body.created_at * 1000 : Date.now(),
  };
}

function withoutRepeats(items) {
  const seen = new Set();
  return items.filter((entry) => !seen.has(entry.key) && seen.add(entry.key));
}

/** Remember the images of these success bodies, newest first, and redraw. */
export function remember(bodies) {
  const fresh = bodies.map(item);
  // Kept locally either way, so the gallery survives a server that stops keeping records.
  save(withoutRepeats([...fresh, ...load()]));
  if (source === "server") serverItems = withoutRepeats([...fresh, ...serverItems]);
  draw();
}

function forget(key) {
  save(load().filter((entry) => entry.key !== key));
  draw();
}

function tile(entry) {
  const li = document.createElement("li");
  li.dataset.key = entry.key;
  if (entry.image_id) li.dataset.imageId = entry.image_id;
  const thumb = document.createElement("a");
  thumb.className = "thumb";
  thumb.target = "_blank";
  thumb.rel = "noopener";
  const img = document.createElement("img");
  img.alt = entry.prompt;
  img.loading = "lazy";
  // An image that is gone (a cleared data directory) shows an empty tile, not a broken icon.
  img.addEventListener("error", () => img.remove(), { once: true });
  thumb.append(img);
  const caption = document.createElement("p");
  caption.className = "caption";
  caption.textContent = entry.prompt;
  caption.title = entry.prompt;
  const meta = document.createElement("small");
  meta.className = "meta";
  // Entries saved before the page kept width and height carry "W×H" as `size`.
  const size = entry.width ? formatSize(entry.width, entry.height) : entry.size;
  meta.textContent = [entry.style, size, entry.at && formatDate(entry.at)].filter(Boolean).join(" · ");
  const row = document.createElement("div");
  row.className = "row";
  const download = document.createElement("a");
  download.className = "button ghost";
  download.setAttribute("download", entry.filename || "");
  download.textContent = t("card.download");
  const edit = document.createElement("button");
  edit.type = "button";
  edit.className = "ghost edit-this";
  edit.textContent = t("card.edit");
  row.append(download, edit);
  if (source === "local") {
    // The server has no delete: only this browser's own list can forget an image.
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "ghost";
    remove.textContent = "✕";
    remove.setAttribute("aria-label", t("gallery.remove"));
    remove.addEventListener("click", () => forget(entry.key));
    row.append(remove);
  }
  showImage(entry.key, img, [thumb, download]);
  li.append(thumb, caption, meta);
  if (source === "server" && entry.image_id) li.append(ratingControl(entry.image_id));
  li.append(row);
  return li;
}

function showProblem(text) {
  const problem = document.getElementById("gallery-error");
  problem.textContent = text;
  problem.hidden = !text;
}

/** Redraw the gallery from the list of the current source. */
export function draw() {
  const items = source === "server" ? serverItems : load();
  document.getElementById("gallery").replaceChildren(...items.map(tile));
  document.getElementById("gallery-empty").hidden = items.length > 0;
  document.getElementById("gallery-where").textContent = t(source === "server" ? "gallery.server" : "gallery.browser");
  document.getElementById("clear-gallery").hidden = source === "server" || items.length === 0;
  document.getElementById("more-images").hidden = source !== "server" || !cursor;
}

async function fetchPage(after) {
  const query = new URLSearchParams({ limit: String(PAGE) });
  if (after) query.set("cursor", after);
  return getJSON(`images?${query}`);
}

/**
 * Load the first page of the server's images; on 404 (no records store) keep to localStorage.
 *
 * Any other failure (the server down, a key needed) also shows the local list, with the reason.
 */
export async function start() {
  try {
    const page = await fetchPage(null);
    source = "server";
    serverItems = page.images.map(item);
    cursor = page.cursor;
    showProblem("");
  } catch (error) {
    source = "local";
    const missing = error instanceof ApiError && error.status === 404;
    showProblem(missing ? "" : t("gallery.local", { message: error.message }));
  }
  draw();
}

/** Append the server's next page of images (the "More" button). */
export async function more() {
  const button = document.getElementById("more-images");
  button.disabled = true;
  try {
    const page = await fetchPage(cursor);
    serverItems = withoutRepeats([...serverItems, ...page.images.map(item)]);
    cursor = page.cursor;
    showProblem("");
    draw();
  } catch (error) {
    showProblem(t("gallery.moreFailed", { message: error.message }));
  } finally {
    button.disabled = false;
  }
}

/** Forget every image of this browser's list (the files stay on the server). */
export function clear() {
  save([]);
  draw();
}
