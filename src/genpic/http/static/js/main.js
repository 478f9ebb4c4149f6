// Wiring: load the server's choices, switch modes, send requests, draw what comes back.

import { ApiError, getJSON, postJSON, setApiKey, viewableUrl } from "./api.js";
import { beforeAfter } from "./beforeafter.js";
import { loadEnums, loadModels } from "./choices.js";
import * as editMode from "./editmode.js";
import {
  checkedStyles,
  clearErrors,
  clearFieldOf,
  currentMode,
  requestBody,
  showError,
} from "./form.js";
import * as gallery from "./gallery.js";
import * as inputImage from "./inputimage.js";
import { formatNumber, onLanguageChange, setLanguage, t, translatePage } from "./i18n.js";
import { addPreferButtons } from "./rating.js";
import { failedCard, imageHref, resultCard, sharedPrompts, showCards, showPlaceholders } from "./render.js";

const el = (id) => document.getElementById(id);
let health = {};
let healthKnown = false;
let healthFailed = false;

// Each mode's route; its hint and button words are the messages `mode.<mode>.hint|button`.
const ROUTES = { single: "generate", compare: "compare", styles: "generate-enhanced", edit: "edit" };

function option(value) {
  const o = document.createElement("option");
  o.value = value;
  o.textContent = value;
  return o;
}

// A radio button or checkbox styled by `className`, its visible part built from `inner`.
function choice(type, name, value, className, checked, inner) {
  const label = document.createElement("label");
  label.className = className;
  const input = document.createElement("input");
  input.type = type;
  input.name = name;
  input.value = value;
  input.checked = checked;
  const span = document.createElement("span");
  span.append(...inner);
  label.append(input, span);
  return label;
}

// A small rectangle in the ratio's shape, at most 22 px on its long side.
function ratioShape(ratio) {
  const [w, h] = ratio.split(":").map(Number);
  const scale = 22 / Math.max(w, h);
  const shape = document.createElement("i");
  shape.style.width = `${Math.round(w * scale)}px`;
  shape.style.height = `${Math.round(h * scale)}px`;
  return shape;
}

function fillChoices(enums) {
  const ratios = enums.aspect_ratio;
  if (ratios) {
    el("ratios").replaceChildren(...ratios.values.map((r) =>
      choice("radio", "aspect_ratio", r, "ratio", r === ratios.default, [ratioShape(r), r])));
  }
  const formats = enums.output_format;
  if (formats) {
    el("formats").replaceChildren(...formats.values.map((f) =>
      choice("radio", "output_format", f, "", f === formats.default, [f])));
  }
  const styles = enums.enhancement_style;
  if (styles) {
    el("enhancement_style").replaceChildren(...styles.values.map((s) => option(s)));
    el("enhancement_style").value = styles.default;
    // Styles mode starts with every style but the plain default ticked.
    el("style-chips").replaceChildren(...styles.values.map((s) =>
      choice("checkbox", "styles", s, "chip", s !== styles.default, [s])));
  }
}

// The models that make images from a prompt; the edit services are Edit mode's operations.
function fillModels(models) {
  const select = el("model");
  select.replaceChildren(...models.filter((model) => !model.edit).map((model) => option(model.id)));
  editMode.setOperations(models);
  document.body.dataset.edits = String(editMode.available());
}

// The backends /health named; before it answers, "connecting"; when it failed, "not reachable".
function describeBackend() {
  const box = el("backend");
  if (!healthKnown) {
    box.textContent = t(healthFailed ? "backend.unreachable" : "backend.connecting");
    return;
  }
  const info = health;
  box.replaceChildren();
  for (const name of ["engine", "enhancer", "storage"]) {
    const value = info[name];
    if (!value) continue;
    const pill = document.createElement("span");
    pill.className = `pill ${value === "preview" ? "offline" : ""}`;
    pill.textContent = `${t(`backend.${name}`)}: ${value}`;
    if (value === "preview") pill.title = t("backend.preview");
    box.append(pill);
  }
}

function setMode(mode) {
  for (const node of document.querySelectorAll("[data-only]")) {
    node.hidden = !node.dataset.only.split(" ").includes(mode);
  }
  if (mode === "edit") editMode.apply();
  else editMode.restore();
  inputImage.refresh();
  el("mode-hint").textContent = t(`mode.${mode}.hint`);
  el("generate").textContent = t(`mode.${mode}.button`);
  // A job is one generation request: compare (two requests side by side) is not one.
  el("queue-it").hidden = mode === "compare";
  clearErrors();
}

function placeholderLabels(body) {
  const mode = currentMode();
  if (mode === "compare") return [t("card.plain"), t("card.enhanced", { style: body.enhancement_style })];
  if (mode === "styles") return body.styles.length ? body.styles : [t("card.styles")];
  if (mode === "edit") return [t("card.edited", { operation: body.operation })];
  return Array.from({ length: body.n || 1 }, (_, i) => (body.n ? t("card.nth", { n: i + 1 }) : t("card.image")));
}

function startProgress(what) {
  const started = performance.now();
  const text = el("progress-text");
  const tick = () => {
    const seconds = (performance.now() - started) / 1000;
    text.textContent = `${what} · ${formatNumber(seconds, { minimumFractionDigits: 1, maximumFractionDigits: 1 })} s`;
  };
  tick();
  el("progress").hidden = false;
  const timer = setInterval(tick, 100);
  return () => {
    clearInterval(timer);
    el("progress").hidden = true;
  };
}

function useSeed(seed) {
  el("seed").value = String(seed);
  el("seed").focus();
}

// An edit's card shows the image before under the result, with a slider between them.
function showEdit(body, requested) {
  const card = resultCard(body, t("card.edited", { operation: body.operation || requested.operation }), useSeed);
  const link = card.querySelector(".card-image");
  const before = editMode.beforeUrl();
  if (before) {
    const placement = editMode.beforePlacement(requested, body);
    link.replaceWith(beforeAfter(before, link.querySelector("img"), body.width, body.height, placement));
  }
  showCards([card]);
}

function showAnswer(mode, body, requested) {
  if (mode === "edit") {
    showEdit(body, requested);
    return;
  }
  if (mode === "compare") {
    const cards = [
      resultCard(body.original, t("card.plain"), useSeed),
      // The plain card beside it already shows the original prompt.
      resultCard(body.enhanced, t("card.enhanced", { style: body.enhanced.enhancement?.style }), useSeed, false),
    ];
    if (body.original.image_id && body.enhanced.image_id) {
      addPreferButtons([[cards[0], body.original.image_id], [cards[1], body.enhanced.image_id]]);
    }
    showCards(cards);
    return;
  }
  const entries = body.variants || [body];
  // Variants share one prompt: show it once, and only what differs on each card.
  const shared = entries.length > 1;
  const cards = entries.map((entry, i) => {
    const title = mode === "styles"
      ? entry.enhancement?.style || requested.styles[i]
      : shared ? t("card.nth", { n: i + 1 }) : t("card.yours");
    return entry.error ? failedCard(entry, title) : resultCard(entry, title, useSeed, !shared);
  });
  showCards(cards, shared ? sharedPrompts(entries.find((entry) => !entry.error) || body) : null);
}

function successBodies(mode, body) {
  if (mode === "compare") return [body.original, body.enhanced];
  return (body.variants || [body]).filter((entry) => !entry.error);
}

// A server that requires GENPIC_API_KEY answers 401: ask for the key once, keep it, start again.
function askForKey() {
  const bar = el("key-form");
  bar.hidden = false;
  el("api-key").focus();
  bar.addEventListener("submit", (event) => {
    event.preventDefault();
    setApiKey(el("api-key").value.trim());
    window.location.reload();
  }, { once: true });
}

// Show an error next to its field and bring it into view.
function fail(error) {
  const known = error instanceof ApiError ? error : new ApiError(0, { message: String(error) });
  if (known.status === 401) askForKey();
  const node = showError(known);
  if (node) node.scrollIntoView({ block: "center", behavior: "smooth" });
}

const JOB_POLL_MS = 1000;

// POST /jobs, then poll the job until it ends: its result is what /generate would answer.
async function viaJob(body) {
  const job = await postJSON("jobs", body);
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, JOB_POLL_MS));
    const state = await getJSON(`jobs/${encodeURIComponent(job.job_id)}`);
    if (state.status === "succeeded") return state.result;
    if (state.status === "failed") throw new ApiError(0, state.error);
  }
}

function generate(event) {
  event.preventDefault();
  const mode = currentMode();
  return make(el("generate"), (body) => postJSON(ROUTES[mode], body), "");
}

// Queue it: the same request as a job, for slow or many-image requests (no 30 s limit).
function queue() {
  return make(el("queue-it"), viaJob, t("queue.note"));
}

async function make(button, submit, note) {
  clearErrors();
  const mode = currentMode();
  const previous = [...el("results").childNodes];
  const previousClass = el("results").className;
  button.disabled = true;
  let stop = () => {};
  try {
    const image = await (inputImage.imageFields() || null);
    const body = mode === "edit" ? await editMode.requestBody(image) : requestBody(image);
    const labels = placeholderLabels(body);
    showPlaceholders(labels, image ? "1:1" : body.aspect_ratio);
    // On a phone the results sit below the form: bring them into view.
    if (window.matchMedia("(max-width: 900px)").matches) {
      el("results").scrollIntoView({ behavior: "smooth", block: "start" });
    }
    const working = mode === "edit" ? t("progress.edit") : t("progress.one");
    stop = startProgress(
      (labels.length > 1 ? t("progress.many", { count: formatNumber(labels.length) }) : working) + note,
    );
    const answer = await submit(body);
    showAnswer(mode, answer, body);
    gallery.remember(successBodies(mode, answer));
  } catch (error) {
    el("results").className = previousClass;
    el("results").replaceChildren(...previous);
    fail(error);
  } finally {
    stop();
    button.disabled = false;
  }
}

function previewLine(answer) {
  const box = document.createElement("div");
  box.append(answer.enhanced_prompt);
  const meta = document.createElement("span");
  meta.className = "meta";
  const e = answer.enhancement || {};
  meta.textContent = [`${e.style}`, `${e.status}`, e.enhancer, e.reason].filter(Boolean).join(" · ");
  box.append(meta);
  return box;
}

async function previewEnhancement() {
  clearErrors();
  const button = el("preview-enhance");
  const out = el("enhanced-preview");
  const prompt = el("prompt").value;
  const styles = currentMode() === "styles" ? checkedStyles() : [el("enhancement_style").value];
  button.disabled = true;
  out.hidden = false;
  out.textContent = t("enhance.working");
  try {
    const answers = await Promise.all(styles.map((style) =>
      postJSON("enhance", { prompt, enhancement_style: style })));
    out.replaceChildren(...answers.map(previewLine));
  } catch (error) {
    out.hidden = true;
    fail(error);
  } finally {
    button.disabled = false;
  }
}

// "Edit this" on a result or a recent image: its bytes become the input image of Edit mode.
async function editStored(key) {
  try {
    const response = await fetch(await viewableUrl(imageHref(key)));
    if (!response.ok) {
      throw new ApiError(response.status, { field: "init_image", message: t("error.fetchImage", { status: response.status }) });
    }
    const blob = await response.blob();
    inputImage.useFile(new File([blob], key.split("/").pop(), { type: blob.type }));
    el("form").elements.mode.value = "edit";
    setMode("edit");
    el("editor").scrollIntoView({ block: "start", behavior: "smooth" });
  } catch (error) {
    fail(error);
  }
}

function onEditThis(event) {
  const button = event.target.closest(".edit-this");
  const holder = button?.closest("[data-key]");
  if (holder) editStored(holder.dataset.key);
}

// Words that scripts wrote follow a change of language; results already drawn keep theirs.
function redrawWords() {
  editMode.redraw();
  setMode(currentMode());
  describeBackend();
  gallery.draw();
}

async function start() {
  translatePage();
  for (const button of document.querySelectorAll("[data-lang]")) {
    button.addEventListener("click", () => setLanguage(button.dataset.lang));
  }
  onLanguageChange(redrawWords);
  describeBackend();
  const form = el("form");
  form.addEventListener("change", (event) => {
    if (event.target.name === "mode") setMode(event.target.value);
  });
  form.addEventListener("submit", generate);
  form.addEventListener("input", (event) => {
    clearFieldOf(event.target);
    // A preview of another prompt or style would mislead.
    if (["prompt", "enhancement_style", "styles"].includes(event.target.name)) {
      el("enhanced-preview").hidden = true;
    }
  });
  el("prompt").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) form.requestSubmit();
  });
  el("preview-enhance").addEventListener("click", previewEnhancement);
  el("queue-it").addEventListener("click", queue);
  el("random-seed").addEventListener("click", () => { el("seed").value = ""; });
  el("clear-gallery").addEventListener("click", gallery.clear);
  el("more-images").addEventListener("click", gallery.more);
  inputImage.setUp(() => health.storage, fail);
  editMode.setUp();
  inputImage.onChange(editMode.setImage);
  el("results").addEventListener("click", onEditThis);
  el("gallery").addEventListener("click", onEditThis);
  setMode(currentMode());

  const [info, enums, models] = await Promise.allSettled([
    getJSON("health"), loadEnums(), loadModels(), gallery.start(),
  ]);
  if (info.status === "fulfilled") {
    health = info.value;
    healthKnown = true;
  } else {
    healthFailed = true;
  }
  describeBackend();
  if ([enums, models].some((r) => r.status === "rejected" && r.reason.status === 401)) askForKey();
  if (enums.status === "fulfilled") fillChoices(enums.value);
  if (models.status === "fulfilled") fillModels(models.value);
  document.body.dataset.ready = "true";
}

start();
