// Wiring: load the server's choices, switch modes, send requests, draw what comes back.

import { ApiError, getJSON, postJSON, setApiKey } from "./api.js";
import { loadEnums, loadModels } from "./choices.js";
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
import { addPreferButtons } from "./rating.js";
import { failedCard, resultCard, sharedPrompts, showCards, showPlaceholders } from "./render.js";

const el = (id) => document.getElementById(id);
let health = {};

const MODES = {
  single: {
    route: "generate",
    hint: "One prompt, one image (or up to four with different seeds).",
    button: "Generate",
  },
  compare: {
    route: "compare",
    hint: "The plain and the enhanced prompt with the same seed, side by side.",
    button: "Compare",
  },
  styles: {
    route: "generate-enhanced",
    hint: "One image per style, each enhanced in that style, all with the same seed.",
    button: "Generate styles",
  },
};

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

function fillModels(models) {
  const select = el("model");
  select.replaceChildren(...models.map((id) => option(id)));
}

function describeBackend(info) {
  const box = el("backend");
  box.replaceChildren();
  for (const [name, value] of [["engine", info.engine], ["enhancer", info.enhancer], ["storage", info.storage]]) {
    if (!value) continue;
    const pill = document.createElement("span");
    pill.className = `pill ${value === "preview" ? "offline" : ""}`;
    pill.textContent = `${name}: ${value}`;
    if (value === "preview") pill.title = "Offline preview images; deploy with GENPIC_ENGINE=bedrock for model output";
    box.append(pill);
  }
}

function setMode(mode) {
  for (const node of document.querySelectorAll("[data-only]")) {
    node.hidden = !node.dataset.only.split(" ").includes(mode);
  }
  el("mode-hint").textContent = MODES[mode].hint;
  el("generate").textContent = MODES[mode].button;
  // A job is one generation request: compare (two requests side by side) is not one.
  el("queue-it").hidden = mode === "compare";
  clearErrors();
}

function placeholderLabels(body) {
  const mode = currentMode();
  if (mode === "compare") return ["plain prompt", `enhanced · ${body.enhancement_style}`];
  if (mode === "styles") return body.styles.length ? body.styles : ["styles"];
  return Array.from({ length: body.n || 1 }, (_, i) => (body.n ? `image ${i + 1}` : "image"));
}

function startProgress(what) {
  const started = performance.now();
  const text = el("progress-text");
  const tick = () => {
    text.textContent = `${what} · ${((performance.now() - started) / 1000).toFixed(1)} s`;
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

function showAnswer(mode, body, requested) {
  if (mode === "compare") {
    const cards = [
      resultCard(body.original, "plain prompt", useSeed),
      // The plain card beside it already shows the original prompt.
      resultCard(body.enhanced, `enhanced · ${body.enhanced.enhancement?.style}`, useSeed, false),
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
      : shared ? `image ${i + 1}` : "your image";
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
  return make(el("generate"), (body) => postJSON(MODES[mode].route, body), "");
}

// Queue it: the same request as a job, for slow or many-image requests (no 30 s limit).
function queue() {
  return make(el("queue-it"), viaJob, " (queued)");
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
    const body = requestBody(image);
    const labels = placeholderLabels(body);
    showPlaceholders(labels, image ? "1:1" : body.aspect_ratio);
    // On a phone the results sit below the form: bring them into view.
    if (window.matchMedia("(max-width: 900px)").matches) {
      el("results").scrollIntoView({ behavior: "smooth", block: "start" });
    }
    stop = startProgress(
      (labels.length > 1 ? `Making ${labels.length} images` : "Making your image") + note,
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
  out.textContent = "Enhancing…";
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

async function start() {
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
  setMode(currentMode());

  const [info, enums, models] = await Promise.allSettled([
    getJSON("health"), loadEnums(), loadModels(), gallery.start(),
  ]);
  if (info.status === "fulfilled") {
    health = info.value;
    describeBackend(health);
  } else {
    el("backend").textContent = "Server not reachable";
  }
  if ([enums, models].some((r) => r.status === "rejected" && r.reason.status === 401)) askForKey();
  if (enums.status === "fulfilled") fillChoices(enums.value);
  if (models.status === "fulfilled") fillModels(models.value);
  document.body.dataset.ready = "true";
}

start();
