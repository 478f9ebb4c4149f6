// Reading the form into a request body, and showing the server's errors next to their fields.

import { formatNumber, t } from "./i18n.js";

const form = () => document.getElementById("form");

// Error fields that belong to another control on the page.
const FIELD_ALIASES = {
  init_image_s3: "init_image",
  // An edit's image is the same input image control; its mask is painted on the stage.
  image: "init_image",
  image_s3: "init_image",
  mask_s3: "mask",
  file: "init_image", // POST /uploads names its multipart field
  content_type: "init_image",
  enhance_prompt: "enhancement_style",
};

/** The mode the user picked: "single", "compare", "styles" or "edit". */
export function currentMode() {
  return form().elements.mode.value;
}

/** A seed as typed: a number for digits, the text otherwise, undefined when empty. */
export function seedValue(text) {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  // Digits go as a number; anything else goes as typed so the server can say what is wrong.
  return /^\d+$/.test(trimmed) ? Number(trimmed) : trimmed;
}

/**
 * The JSON body for the current form, in the contract's field names.
 *
 * `image` is {init_image_s3} or {init_image} (or null) from the input image control.
 */
export function requestBody(image) {
  const f = form().elements;
  const mode = currentMode();
  const body = { prompt: f.prompt.value };
  if (f.negative_prompt.value.trim()) body.negative_prompt = f.negative_prompt.value;
  const seed = seedValue(f.seed.value);
  if (seed !== undefined) body.seed = seed;
  // A control the server described no choices for is left out: the server's default applies.
  if (f.model.value) body.model = f.model.value;
  if (f.output_format?.value) body.output_format = f.output_format.value;
  if (image) {
    Object.assign(body, image);
    body.strength = Number(f.strength.value);
  } else if (f.aspect_ratio?.value) {
    body.aspect_ratio = f.aspect_ratio.value;
  }
  if (mode === "styles") {
    body.styles = checkedStyles();
  } else if (f.enhancement_style.value) {
    body.enhancement_style = f.enhancement_style.value;
  }
  if (mode === "single") {
    body.enhance_prompt = f.enhance_prompt.checked;
    const n = Number(f.n.value);
    if (n > 1) body.n = n;
  }
  return body;
}

/** The styles ticked in styles mode, in menu order. */
export function checkedStyles() {
  return [...document.querySelectorAll("#style-chips input:checked")].map((box) => box.value);
}

function fieldBox(name) {
  const base = String(name).split(/[.[]/)[0];
  const key = FIELD_ALIASES[base] || base;
  return document.querySelector(`[data-field="${key}"]`);
}

/** Remove every error message from the form. */
export function clearErrors() {
  for (const box of document.querySelectorAll(".field-error")) box.textContent = "";
  for (const box of document.querySelectorAll(".invalid")) box.classList.remove("invalid");
  for (const el of document.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
  const general = document.getElementById("form-error");
  general.hidden = true;
  general.textContent = "";
}

/** Clear the message of the field holding `control`: the user is fixing it. */
export function clearFieldOf(control) {
  const field = control.closest(".field, fieldset");
  if (!field) return;
  for (const box of [field, ...field.querySelectorAll(".invalid")]) box.classList.remove("invalid");
  for (const el of field.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
  field.querySelector(".field-error").textContent = "";
}

function say(box, message) {
  // The style chips have no message line of their own; they share the enhancement group's.
  const slot = box.querySelector(".field-error") || box.closest("fieldset").querySelector(".field-error");
  box.classList.add("invalid");
  for (const control of box.querySelectorAll("input:not([type=radio]):not([type=checkbox]), textarea, select")) {
    control.setAttribute("aria-invalid", "true");
  }
  slot.textContent = slot.textContent ? `${slot.textContent} ${message}` : message;
  return box;
}

/**
 * Show an error body: each detail next to its field, the rest above the Generate button.
 *
 * Returns the first field element marked, so the caller can scroll to it.
 */
export function showError(error) {
  const body = error.body || {};
  const details = Array.isArray(body.details) && body.details.length
    ? body.details
    : body.field ? [{ field: body.field, message: body.message }] : [];
  let first = null;
  const unplaced = [];
  for (const detail of details) {
    const box = detail.field ? fieldBox(detail.field) : null;
    if (box && !box.hidden && box.offsetParent !== null) {
      const marked = say(box, detail.message || body.message);
      first = first || marked;
    } else {
      unplaced.push(detail.field ? `${detail.field}: ${detail.message}` : detail.message);
    }
  }
  if (!details.length || unplaced.length) {
    const general = document.getElementById("form-error");
    let text = unplaced.length ? unplaced.join(" ") : body.message || error.message;
    if (error.retryAfter) text += ` ${t("error.retry", { seconds: formatNumber(Number(error.retryAfter)) })}`;
    general.textContent = text;
    general.hidden = false;
    first = first || general;
  }
  return first;
}
