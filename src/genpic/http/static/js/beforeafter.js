// Before and after an edit, one over the other, with a slider that uncovers the edit.

import { t } from "./i18n.js";

/**
 * A before/after view: the image before (`before`, a URL) under the result (`after`, an <img>).
 *
 * `placement` ({left, top, width, height} in percent of the result) puts the image before
 * where it sits in the result (outpainting adds margins around it); null fills the view.
 */
export function beforeAfter(before, after, width, height, placement) {
  const box = document.createElement("figure");
  box.className = "before-after";
  box.style.aspectRatio = `${width} / ${height}`;
  const under = document.createElement("img");
  under.className = "before";
  under.src = before;
  under.alt = t("compare.before");
  if (placement) {
    Object.assign(under.style, {
      left: `${placement.left}%`, top: `${placement.top}%`, width: `${placement.width}%`, height: `${placement.height}%`,
    });
  }
  after.classList.add("after");
  const line = document.createElement("span");
  line.className = "divider";
  line.setAttribute("aria-hidden", "true");
  const slider = document.createElement("input");
  slider.type = "range";
  slider.min = "0";
  slider.max = "100";
  slider.value = "50";
  slider.className = "before-after-slider";
  slider.setAttribute("aria-label", t("compare.slider"));
  const labels = document.createElement("figcaption");
  const left = document.createElement("span");
  left.textContent = t("compare.before");
  const right = document.createElement("span");
  right.textContent = t("compare.after");
  labels.append(left, right);
  // Left of the divider shows the image before, right of it the edit.
  const place = () => {
    after.style.clipPath = `inset(0 0 0 ${slider.value}%)`;
    line.style.left = `${slider.value}%`;
  };
  slider.addEventListener("input", place);
  place();
  box.append(under, after, line, slider, labels);
  return box;
}
