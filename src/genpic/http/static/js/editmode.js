// Edit mode: the operations this server offers (GET /v1/models), each showing only the
// fields it takes; the image to edit with its painted mask or outpaint margins; POST /edit.
//
// What each operation takes comes from the server's catalog, never from this file: a new
// operation or field appears here without a change to the page.

import { seedValue } from "./form.js";
import { t } from "./i18n.js";
import { storeFile } from "./inputimage.js";
import { Margins, SIDES } from "./margins.js";
import { MaskPainter } from "./maskpaint.js";

const el = (id) => document.getElementById(id);

// Fields the form already has a control for: an operation shows the ones it takes.
const SHARED = ["prompt", "negative_prompt", "seed", "output_format", "aspect_ratio"];

let operations = {}; // operation name -> its description from /v1/models
let painter = null;
let margins = null;
let image = null; // {url, width, height} of the image to edit

function describe(name) {
  return operations[name] || null;
}

/** The operation picked, or null when the server offers none. */
function current() {
  return describe(el("operation").value);
}

// The page's words for `key`, else `fallback` (a field or operation the page has no words for).
function word(key, fallback) {
  const text = t(key);
  return text === key ? fallback : text;
}

/** Whether the server offers any edit. */
export function available() {
  return Object.keys(operations).length > 0;
}

/** Take the operations from GET /v1/models: the entries that carry `edit`. */
export function setOperations(models) {
  operations = Object.fromEntries(models.filter((m) => m.edit).map((m) => [m.edit.operation, m.edit]));
  const select = el("operation");
  select.replaceChildren(...Object.values(operations).map((op) => {
    const option = document.createElement("option");
    option.value = op.operation;
    option.textContent = word(`edit.op.${op.operation}`, op.label || op.operation);
    return option;
  }));
  el("mode-edit").hidden = !available();
  buildFields();
}

/** Redraw the operation names and the fields' words in the current language (then `apply`). */
export function redraw() {
  for (const option of el("operation").options) {
    option.textContent = word(`edit.op.${option.value}`, describe(option.value)?.label || option.value);
  }
  const picked = el("operation").value;
  // Typed numbers and texts survive the rebuild.
  const typed = [...el("edit-fields").querySelectorAll("input, textarea")]
    .filter((input) => input.type !== "file")
    .map((input) => [input.name, input.value]);
  if (picked) buildFields();
  for (const [name, value] of typed) {
    const input = el("edit-fields").querySelector(`[name="${name}"]`);
    if (input) input.value = value;
  }
  showBrushSize();
}

function fieldBox(name, control, range) {
  const box = document.createElement("div");
  box.className = "field";
  box.dataset.field = name;
  const label = document.createElement("label");
  label.htmlFor = control.id;
  label.textContent = word(`edit.field.${name}`, name);
  box.append(label, control);
  // The page's explanation of the field, then the range the server allows.
  const hintText = [word(`edit.hint.${name}`, ""), range].filter(Boolean).join(" · ");
  if (hintText) {
    const p = document.createElement("p");
    p.className = "hint";
    p.textContent = hintText;
    box.append(p);
  }
  const error = document.createElement("p");
  error.className = "field-error";
  error.setAttribute("role", "alert");
  box.append(error);
  return box;
}

function numberInput(name, spec) {
  const input = document.createElement("input");
  input.type = "number";
  input.id = `edit-${name}`;
  input.name = name;
  input.inputMode = spec.integer ? "numeric" : "decimal";
  input.min = String(spec.minimum);
  input.max = String(spec.maximum);
  input.step = spec.integer ? "1" : "0.01";
  input.value = String(spec.default);
  return input;
}

function numberHint(spec) {
  return t("edit.range", { low: spec.minimum, high: spec.maximum, default: spec.default });
}

// The operation's own fields: numbers (outpaint's margins side by side), texts, extra images.
function buildFields() {
  const op = current();
  const holder = el("edit-fields");
  holder.replaceChildren();
  if (!op) return;
  const numbers = op.numbers || {};
  const sides = SIDES.filter((side) => side in numbers);
  if (sides.length) {
    const grid = document.createElement("div");
    grid.className = "grid-2 margins";
    for (const side of sides) grid.append(fieldBox(side, numberInput(side, numbers[side]), numberHint(numbers[side])));
    holder.append(grid);
  }
  for (const [name, spec] of Object.entries(numbers)) {
    if (!sides.includes(name)) holder.append(fieldBox(name, numberInput(name, spec), numberHint(spec)));
  }
  for (const name of op.texts || []) {
    const input = document.createElement("input");
    input.type = "text";
    input.id = `edit-${name}`;
    input.name = name;
    holder.append(fieldBox(name, input));
  }
  for (const name of Object.keys(op.images || {})) {
    if (name === "mask") continue; // painted on the image itself
    const input = document.createElement("input");
    input.type = "file";
    input.id = `edit-${name}`;
    input.name = name;
    input.accept = "image/png,image/jpeg,image/webp";
    holder.append(fieldBox(name, input));
  }
}

function takes(op, name) {
  return op.fields.includes(name);
}

function outpainting(op) {
  return Boolean(op) && SIDES.every((side) => side in (op.numbers || {}));
}

function masking(op) {
  return Boolean(op) && "mask" in (op.images || {});
}

/** Show only what the picked operation takes (Edit mode); `restore()` undoes it. */
export function apply() {
  const op = current();
  for (const name of SHARED) {
    const box = document.querySelector(`#form [data-field="${name}"]`);
    if (box) box.hidden = !op || !takes(op, name);
  }
  const formats = op?.output_formats || [];
  const radios = [...document.querySelectorAll("#formats input")];
  for (const radio of radios) radio.disabled = !formats.includes(radio.value);
  const checked = radios.find((radio) => radio.checked);
  if (checked?.disabled) {
    const first = radios.find((radio) => !radio.disabled);
    if (first) first.checked = true;
  }
  el("operation-hint").textContent = op ? word(`edit.op.${op.operation}.hint`, "") : t("edit.none");
  el("mask-tools").hidden = !image || !masking(op);
  el("mask-hint").hidden = !image || !masking(op);
  el("mask-canvas").hidden = !masking(op);
  el("outpaint-frame").hidden = !image || !outpainting(op);
  el("editor-empty").hidden = Boolean(image);
  el("edit-stage").hidden = !image;
  if (image) margins.redraw();
}

/** Leave Edit mode: every shared control as the other modes expect it. */
export function restore() {
  for (const name of SHARED) {
    const box = document.querySelector(`#form [data-field="${name}"]`);
    if (box) box.hidden = false;
  }
  for (const radio of document.querySelectorAll("#formats input")) radio.disabled = false;
}

function marginInputs() {
  const op = current();
  if (!outpainting(op)) return {};
  return Object.fromEntries(SIDES.map((side) => [side, el("edit-fields").querySelector(`[name="${side}"]`)]));
}

// Lay the stage out at `scale` (null: fit the editor); return the scale used.
function layout(scale) {
  if (!image) return 1;
  const extra = outpainting(current()) ? margins.values() : { left: 0, right: 0, up: 0, down: 0 };
  const wide = image.width + extra.left + extra.right;
  const tall = image.height + extra.up + extra.down;
  const room = Math.max(160, el("editor").clientWidth - 4);
  const roomTall = Math.max(240, window.innerHeight * 0.62);
  const used = scale ?? Math.min(room / wide, roomTall / tall);
  const box = el("edit-canvas");
  box.style.width = `${image.width * used}px`;
  box.style.height = `${image.height * used}px`;
  el("edit-stage").style.padding = ["up", "right", "down", "left"].map((side) => `${extra[side] * used}px`).join(" ");
  return used;
}

/** The image to edit changed (a file, or null when removed): load it onto the stage. */
export function setImage(file) {
  if (image) URL.revokeObjectURL(image.url);
  image = null;
  if (!file) {
    apply();
    return;
  }
  const url = URL.createObjectURL(file);
  const img = el("edit-image");
  img.onload = () => {
    image = { url, width: img.naturalWidth, height: img.naturalHeight };
    painter.reset(image.width, image.height);
    apply();
  };
  // A file the browser cannot draw: the server's answer to the upload says why.
  img.onerror = () => apply();
  img.src = url;
}

/** The URL of the image being edited, to show beside the result. */
export function beforeUrl() {
  return image?.url || null;
}

/** Where the image before sits in the result: outpainting puts it inside the margins. */
export function beforePlacement(sent, result) {
  if (!SIDES.some((side) => side in sent)) return null;
  return {
    left: (100 * (sent.left || 0)) / result.width,
    top: (100 * (sent.up || 0)) / result.height,
    width: (100 * (result.width - (sent.left || 0) - (sent.right || 0))) / result.width,
    height: (100 * (result.height - (sent.up || 0) - (sent.down || 0))) / result.height,
  };
}

// A typed number goes as a number; anything else as typed, so the server says what is wrong.
function numberValue(text) {
  const trimmed = text.trim();
  return trimmed !== "" && Number.isFinite(Number(trimmed)) ? Number(trimmed) : trimmed;
}

/**
 * The JSON body of POST /edit for the form as it stands.
 *
 * `source` is {init_image_s3} or {init_image} from the input image control (or null).
 * Only the operation's fields are sent; what is missing or wrong, the server names.
 */
export async function requestBody(source) {
  const op = current();
  const f = document.getElementById("form").elements;
  const body = { operation: op ? op.operation : el("operation").value };
  if (source?.init_image_s3) body.image_s3 = source.init_image_s3;
  else if (source?.init_image) body.image = source.init_image;
  if (!op) return body;
  if (takes(op, "prompt") && (f.prompt.value.trim() || op.prompt === "required")) body.prompt = f.prompt.value;
  if (takes(op, "negative_prompt") && f.negative_prompt.value.trim()) body.negative_prompt = f.negative_prompt.value;
  const seed = seedValue(f.seed.value);
  if (takes(op, "seed") && seed !== undefined) body.seed = seed;
  if (takes(op, "output_format") && f.output_format?.value) body.output_format = f.output_format.value;
  if (takes(op, "aspect_ratio") && f.aspect_ratio?.value) body.aspect_ratio = f.aspect_ratio.value;
  const fields = el("edit-fields");
  for (const name of Object.keys(op.numbers || {})) {
    const value = numberValue(fields.querySelector(`[name="${name}"]`).value);
    if (value !== "") body[name] = value;
  }
  for (const name of op.texts || []) {
    const value = fields.querySelector(`[name="${name}"]`).value;
    if (value.trim()) body[name] = value;
  }
  for (const name of Object.keys(op.images || {})) {
    const file = name === "mask"
      ? image && !painter.isEmpty() && new File([await painter.toPng()], "mask.png", { type: "image/png" })
      : fields.querySelector(`[name="${name}"]`).files[0];
    if (!file) continue;
    const stored = await storeFile(file);
    if (stored.init_image_s3) body[`${name}_s3`] = stored.init_image_s3;
    else body[name] = stored.init_image;
  }
  return body;
}

function showBrushSize() {
  el("brush-size-value").textContent = t("mask.px", { size: el("brush-size").value });
}

function updateUndo() {
  el("mask-undo").disabled = !painter.canUndo();
}

/** Wire the operation menu, the mask tools and the margin handles. */
export function setUp() {
  painter = new MaskPainter(el("mask-canvas"), updateUndo);
  margins = new Margins(el("outpaint-frame"), marginInputs, layout);
  el("operation").addEventListener("change", () => {
    buildFields();
    apply();
  });
  el("edit-fields").addEventListener("input", (event) => {
    if (SIDES.includes(event.target.name)) margins.redraw();
  });
  for (const radio of document.querySelectorAll("input[name=mask_tool]")) {
    radio.addEventListener("change", () => { painter.tool = radio.value; });
  }
  el("brush-size").addEventListener("input", () => {
    painter.size = Number(el("brush-size").value);
    showBrushSize();
  });
  painter.size = Number(el("brush-size").value);
  showBrushSize();
  el("mask-undo").addEventListener("click", () => painter.undo());
  el("mask-clear").addEventListener("click", () => painter.clear());
  window.addEventListener("resize", () => { if (image) margins.redraw(); });
  updateUndo();
}
