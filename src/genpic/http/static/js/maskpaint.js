// Painting a mask over the image to edit: brush, eraser, brush size and undo.
//
// The canvas has the image's own pixel size (CSS scales it to the screen), so what is sent
// is the image's size exactly, as the Stability services require. Strokes are drawn
// opaque on a transparent canvas; the mask sent is white where painted, black elsewhere.

const UNDO_DEPTH = 20;
// A pixel at least half covered by the brush's anti-aliased edge counts as painted.
const PAINTED_ALPHA = 128;

/** A mask painter on `canvas`; pointer events, so a mouse, a pen and a finger all paint. */
export class MaskPainter {
  constructor(canvas, onChange) {
    this.canvas = canvas;
    this.context = canvas.getContext("2d", { willReadFrequently: true });
    this.onChange = onChange;
    this.tool = "brush";
    this.size = 40;
    this.undoStack = [];
    this.stroke = null;
    canvas.addEventListener("pointerdown", (event) => this.start(event));
    canvas.addEventListener("pointermove", (event) => this.move(event));
    for (const end of ["pointerup", "pointercancel"]) {
      canvas.addEventListener(end, (event) => this.end(event));
    }
  }

  /** Start over on an image of `width` x `height` pixels: an empty mask, no undo. */
  reset(width, height) {
    this.canvas.width = width;
    this.canvas.height = height;
    this.undoStack = [];
    this.changed();
  }

  /** Whether anything is painted. */
  isEmpty() {
    const { data } = this.context.getImageData(0, 0, this.canvas.width, this.canvas.height);
    for (let i = 3; i < data.length; i += 4) if (data[i] >= PAINTED_ALPHA) return false;
    return true;
  }

  canUndo() {
    return this.undoStack.length > 0;
  }

  /** Take back the last stroke (or clear). */
  undo() {
    const last = this.undoStack.pop();
    if (!last) return;
    this.context.putImageData(last, 0, 0);
    this.changed();
  }

  /** Erase the whole mask (undoable). */
  clear() {
    this.remember();
    this.context.clearRect(0, 0, this.canvas.width, this.canvas.height);
    this.changed();
  }

  remember() {
    const { width, height } = this.canvas;
    this.undoStack.push(this.context.getImageData(0, 0, width, height));
    if (this.undoStack.length > UNDO_DEPTH) this.undoStack.shift();
  }

  changed() {
    this.onChange?.();
  }

  // The pointer's position in image pixels.
  point(event) {
    const box = this.canvas.getBoundingClientRect();
    return {
      x: ((event.clientX - box.left) / box.width) * this.canvas.width,
      y: ((event.clientY - box.top) / box.height) * this.canvas.height,
    };
  }

  start(event) {
    if (event.button !== 0 && event.pointerType === "mouse") return;
    event.preventDefault();
    this.canvas.setPointerCapture(event.pointerId);
    this.remember();
    this.stroke = { id: event.pointerId, last: this.point(event) };
    this.paint(this.stroke.last, this.stroke.last);
  }

  move(event) {
    if (!this.stroke || event.pointerId !== this.stroke.id) return;
    // Coalesced events keep a fast stroke (or a finger) continuous.
    const points = event.getCoalescedEvents ? event.getCoalescedEvents() : [];
    for (const sample of points.length ? points : [event]) {
      const next = this.point(sample);
      this.paint(this.stroke.last, next);
      this.stroke.last = next;
    }
  }

  end(event) {
    if (!this.stroke || event.pointerId !== this.stroke.id) return;
    this.stroke = null;
    this.changed();
  }

  paint(from, to) {
    const c = this.context;
    c.globalCompositeOperation = this.tool === "eraser" ? "destination-out" : "source-over";
    // Only the alpha makes the mask (see toPng); the colour is what shows on screen.
    c.strokeStyle = "#ff2d7a";
    c.lineWidth = this.size;
    c.lineCap = "round";
    c.lineJoin = "round";
    c.beginPath();
    c.moveTo(from.x, from.y);
    // A tap is a dot: a zero-length round-capped line draws nothing in some browsers.
    c.lineTo(to.x + (from.x === to.x && from.y === to.y ? 0.01 : 0), to.y);
    c.stroke();
  }

  /** The mask to send: a PNG, white where painted and black elsewhere, the image's size. */
  toPng() {
    const { width, height } = this.canvas;
    const painted = this.context.getImageData(0, 0, width, height);
    const out = new ImageData(width, height);
    for (let i = 0; i < painted.data.length; i += 4) {
      const value = painted.data[i + 3] >= PAINTED_ALPHA ? 255 : 0;
      out.data[i] = value;
      out.data[i + 1] = value;
      out.data[i + 2] = value;
      out.data[i + 3] = 255;
    }
    const canvas = document.createElement("canvas");
    canvas.width = width;
    canvas.height = height;
    canvas.getContext("2d").putImageData(out, 0, 0);
    return new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
  }
}
