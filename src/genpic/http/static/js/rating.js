// Feedback on an image: a 1-5 star rating, and in compare mode "prefer this one".
//
// The server appends every piece of feedback (it never replaces one), so each control
// locks once its answer is recorded: a second click would count twice in GET /stats.

import { postJSON } from "./api.js";
import { t } from "./i18n.js";

function status(holder) {
  const out = document.createElement("span");
  out.className = "feedback-status";
  out.setAttribute("role", "status");
  holder.append(out);
  return out;
}

// POST the feedback; say it was recorded, or say why not (and let the person try again).
async function send(body, buttons, out, recorded) {
  for (const button of buttons) button.disabled = true;
  out.className = "feedback-status";
  out.textContent = t("rating.saving");
  try {
    await postJSON("feedback", body);
    out.textContent = recorded;
    out.classList.add("ok");
    return true;
  } catch (error) {
    out.textContent = t("rating.failed", { message: error.message });
    out.classList.add("error");
    for (const button of buttons) button.disabled = false;
    return false;
  }
}

/** Five star buttons that rate image `imageId`; the element to place under the image. */
export function ratingControl(imageId) {
  const holder = document.createElement("div");
  holder.className = "rating";
  holder.setAttribute("role", "group");
  holder.setAttribute("aria-label", t("rating.group"));
  const stars = [1, 2, 3, 4, 5].map((value) => {
    const star = document.createElement("button");
    star.type = "button";
    star.className = "star";
    star.textContent = "★";
    star.dataset.value = String(value);
    star.title = t("rating.star", { value });
    star.setAttribute("aria-label", t("rating.rate", { value }));
    return star;
  });
  holder.append(...stars);
  const out = status(holder);
  for (const star of stars) {
    star.addEventListener("click", async () => {
      const value = Number(star.dataset.value);
      if (await send({ image_id: imageId, rating: value }, stars, out, t("rating.done", { value }))) {
        for (const other of stars) other.classList.toggle("on", Number(other.dataset.value) <= value);
        holder.dataset.rated = String(value);
      }
    });
  }
  return holder;
}

/** "Prefer this one" on each compared card (`[card, imageId]` pairs); one choice for the pair. */
export function addPreferButtons(pairs) {
  const buttons = [];
  for (const [card, imageId] of pairs) {
    const holder = document.createElement("div");
    holder.className = "prefer";
    const button = document.createElement("button");
    button.type = "button";
    button.className = "ghost small prefer-button";
    button.textContent = t("prefer.button");
    holder.append(button);
    const out = status(holder);
    buttons.push(button);
    button.addEventListener("click", async () => {
      if (await send({ image_id: imageId, preferred: true }, buttons, out, t("prefer.saved"))) {
        button.textContent = t("prefer.chosen");
        button.classList.add("chosen");
      }
    });
    card.querySelector(".card-actions").after(holder);
  }
}
