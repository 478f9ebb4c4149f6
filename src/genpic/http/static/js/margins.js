// The outpaint margins drawn around the image: drag a handle on an edge, or type a number.
//
// The stage's padding is the margins at the drawing's scale, so the dashed frame around
// it is the image the service returns; each edge's handle moves that edge outward.

const SIDES = ["left", "right", "up", "down"];
// Which way a pointer moves an edge outward, and along which axis.
const OUTWARD = { left: ["x", -1], right: ["x", 1], up: ["y", -1], down: ["y", 1] };

/**
 * Outpaint margins on `stage` (the element whose padding shows them).
 *
 * `inputs()` returns {side: <input type=number>} for the sides the operation takes;
 * `layout(scale)` lays the stage out (and returns the scale it used).
 */
export class Margins {
  constructor(frame, inputs, layout) {
    this.frame = frame;
    this.inputs = inputs;
    this.layout = layout;
    this.scale = 1;
    this.drag = null;
    for (const handle of frame.querySelectorAll("[data-side]")) {
      handle.addEventListener("pointerdown", (event) => this.start(event, handle.dataset.side));
      handle.addEventListener("pointermove", (event) => this.move(event));
      for (const end of ["pointerup", "pointercancel"]) {
        handle.addEventListener(end, (event) => this.end(event));
      }
    }
  }

  /** The margins in image pixels, 0 where a side has no input or no number. */
  values() {
    const inputs = this.inputs();
    return Object.fromEntries(SIDES.map((side) => [side, Math.max(0, Number(inputs[side]?.value) || 0)]));
  }

  /** Redraw after the margins or the image changed. */
  redraw() {
    this.scale = this.layout(this.drag ? this.drag.scale : null);
  }

  start(event, side) {
    const input = this.inputs()[side];
    if (!input) return;
    event.preventDefault();
    event.currentTarget.setPointerCapture(event.pointerId);
    // The drawing's scale holds while dragging, so the edge stays under the pointer.
    this.drag = { id: event.pointerId, side, x: event.clientX, y: event.clientY, from: this.values()[side], scale: this.scale };
  }

  move(event) {
    const drag = this.drag;
    if (!drag || event.pointerId !== drag.id) return;
    const [axis, sign] = OUTWARD[drag.side];
    const moved = axis === "x" ? event.clientX - drag.x : event.clientY - drag.y;
    const input = this.inputs()[drag.side];
    const low = Number(input.min || 0);
    const high = Number(input.max || Infinity);
    const value = Math.round(Math.min(high, Math.max(low, drag.from + (sign * moved) / drag.scale)));
    if (String(value) !== input.value) {
      input.value = String(value);
      // The same event typing sends: the form clears the field's error and redraws.
      input.dispatchEvent(new Event("input", { bubbles: true }));
    }
  }

  end(event) {
    if (!this.drag || event.pointerId !== this.drag.id) return;
    this.drag = null;
    this.redraw();
  }
}

export { SIDES };
