// Drawing results: one card per image, with its facts and its prompts side by side.

import { viewableUrl } from "./api.js";
import { formatCost, formatMs, formatSize, t, translate } from "./i18n.js";
import { ratingControl } from "./rating.js";

const results = () => document.getElementById("results");

/** The page-relative URL of a stored image; on S3 it redirects to a fresh presigned link. */
export function imageHref(key) {
  return "images/" + key.split("/").map(encodeURIComponent).join("/");
}

/** Point `img` and `links` at stored image `key` (with the API key, if the server needs one). */
export async function showImage(key, img, links, fallback) {
  const url = await viewableUrl(imageHref(key), fallback);
  for (const link of links) link.href = url;
  img.src = url;
}

function fact(list, term, value, title) {
  const row = document.createElement("div");
  const dt = document.createElement("dt");
  const dd = document.createElement("dd");
  dt.textContent = term;
  dd.textContent = value;
  if (title) row.title = title;
  row.append(dt, dd);
  list.append(row);
}

function badge(holder, text, kind, title) {
  const span = document.createElement("span");
  span.className = `badge ${kind || ""}`;
  span.textContent = text;
  if (title) span.title = title;
  holder.append(span);
}

function promptBox(holder, heading, text, kind) {
  const box = document.createElement("section");
  box.className = `prompt-box ${kind || ""}`;
  const h = document.createElement("h4");
  const p = document.createElement("p");
  h.textContent = heading;
  p.textContent = text;
  box.append(h, p);
  holder.append(box);
}

function fillPrompts(holder, body, withOriginal) {
  const enhancement = body.enhancement || {};
  const original = body.original_prompt ?? body.parameters?.prompt ?? "";
  const enhanced = enhancement.status === "applied" && body.enhanced_prompt;
  if (withOriginal) {
    promptBox(holder, t(enhanced ? "prompt.original" : "prompt.prompt"), original);
    if (body.translated_prompt) promptBox(holder, t("prompt.translated"), body.translated_prompt);
  }
  if (enhanced) promptBox(holder, t("prompt.enhanced", { style: enhancement.style }), body.enhanced_prompt, "enhanced");
  // The server's reason, as sent: the prompt went to the model in its own language.
  if (body.translation?.status === "unavailable" && body.translation.reason) {
    promptBox(holder, t("prompt.untranslated"), body.translation.reason, "untranslated");
  }
}

/**
 * A result card for one success body.
 *
 * `onSeed(seed)` runs on "Use this seed". With `withOriginal` false the card shows only its
 * enhanced prompt (the original is shown once, above a row of cards that share it).
 */
export function resultCard(body, title, onSeed, withOriginal = true) {
  const card = document.getElementById("card-template").content.firstElementChild.cloneNode(true);
  translate(card);
  card.dataset.key = body.key;
  card.querySelector(".card-title").textContent = title;
  const badges = card.querySelector(".badges");
  const enhancement = body.enhancement || {};
  if (enhancement.status && enhancement.status !== "off") {
    badge(badges, t("card.badge.enhanced", { status: enhancement.status }), enhancement.status, enhancement.reason);
  }
  if (body.translation && body.translation.status === "applied") {
    badge(badges, t("card.badge.translated", { language: body.translation.source_language }), "applied");
  }
  if (body.translation && body.translation.status === "unavailable") {
    const language = body.translation.source_language;
    badge(badges, t("card.badge.untranslated", { language }), "fallback", body.translation.reason);
  }
  if (body.parameters?.mode === "image-to-image") badge(badges, t("card.badge.img2img"));

  const img = card.querySelector("img");
  const download = card.querySelector(".download");
  const httpsUrl = /^https:/.test(body.url || "") ? body.url : null;
  showImage(body.key, img, [card.querySelector(".card-image"), download], httpsUrl);
  img.width = body.width;
  img.height = body.height;
  img.alt = body.enhanced_prompt || body.original_prompt || body.parameters?.prompt || t("card.generated");

  const facts = card.querySelector(".facts");
  const timings = body.timings_ms || {};
  fact(facts, t("card.size"), formatSize(body.width, body.height));
  // A seed is an identifier to copy, not a quantity: never grouped.
  fact(facts, t("card.seed"), String(body.seed));
  fact(facts, t("card.time"), formatMs(timings.total));
  fact(facts, t("card.cost"), formatCost(body.cost_usd), t("card.cost.title"));
  const details = card.querySelector(".details");
  details.textContent = [
    body.model,
    (body.content_type || "").replace("image/", ""),
    ...["enhance", "generate", "store"].map((stage) => `${t(`card.stage.${stage}`)} ${formatMs(timings[stage])}`),
  ].join(" · ");
  if (body.preview && body.message) details.title = body.message;

  fillPrompts(card.querySelector(".prompts"), body, withOriginal);

  download.setAttribute("download", body.filename || "");
  card.querySelector(".reuse-seed").addEventListener("click", () => onSeed(body.seed));
  // Only a server with a records store gives images an id to rate.
  if (body.image_id) card.querySelector(".card-actions").append(ratingControl(body.image_id));
  return card;
}

/** The prompts a row of cards share, shown once above them. */
export function sharedPrompts(body) {
  const holder = document.createElement("div");
  holder.className = "prompts shared";
  const enhanced = body.enhancement?.status === "applied";
  promptBox(holder, t(enhanced ? "prompt.original" : "prompt.prompt"), body.original_prompt ?? body.parameters?.prompt ?? "");
  if (body.translated_prompt) promptBox(holder, t("prompt.translated"), body.translated_prompt);
  return holder;
}

/** A card for a variant that failed: its error in plain words. */
export function failedCard(errorBody, title) {
  const card = document.createElement("article");
  card.className = "card failed";
  const head = document.createElement("header");
  head.className = "card-head";
  const h = document.createElement("h3");
  h.className = "card-title";
  h.textContent = title;
  head.append(h);
  const box = document.createElement("div");
  box.className = "failed-box";
  box.textContent = errorBody.message || errorBody.error || t("card.failed");
  card.append(head, box);
  return card;
}

/** Placeholders shaped like the images on their way, each labelled. */
export function showPlaceholders(labels, ratio) {
  const holder = results();
  holder.replaceChildren();
  holder.className = `results-body ${layoutClass(labels.length)}`;
  const [w, h] = (ratio || "1:1").split(":").map(Number);
  for (const label of labels) {
    const wrap = document.createElement("div");
    wrap.className = "card";
    const caption = document.createElement("span");
    caption.className = "skeleton-label";
    caption.textContent = label;
    const block = document.createElement("div");
    block.className = "skeleton";
    block.style.aspectRatio = `${w} / ${h}`;
    wrap.append(caption, block);
    holder.append(wrap);
  }
}

function layoutClass(count) {
  if (count <= 1) return "";
  return count === 2 ? "cols-2" : "cols-many";
}

/** Replace the results with these cards, after an optional element spanning the row. */
export function showCards(cards, lead) {
  const holder = results();
  holder.className = `results-body ${layoutClass(cards.length)}`;
  holder.replaceChildren(...(lead ? [lead] : []), ...cards);
}

