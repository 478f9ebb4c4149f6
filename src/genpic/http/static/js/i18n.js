// The page's own words in English and Vietnamese, and numbers and dates in the reader's locale.
//
// Only the page's words are here: messages from the server are shown exactly as it sent them.
// Markup names its words by key (data-i18n, data-i18n-placeholder, data-i18n-title,
// data-i18n-aria-label); scripts ask for them with t(key, {params}).

const MESSAGES = {
  en: {
    "page.title": "genpic · image generation",
    "lang.group": "Language",
    "backend.connecting": "Connecting…",
    "backend.unreachable": "Server not reachable",
    "backend.engine": "engine",
    "backend.enhancer": "enhancer",
    "backend.storage": "storage",
    "backend.preview": "Offline preview images; deploy with GENPIC_ENGINE=bedrock for model output",
    "key.needed": "This server needs its API key",
    "key.placeholder": "API key",
    "key.use": "Use key",
    "mode.group": "Mode",
    "mode.single": "Generate",
    "mode.compare": "Compare",
    "mode.styles": "Styles",
    "mode.single.hint": "One prompt, one image (or up to four with different seeds).",
    "mode.compare.hint": "The plain and the enhanced prompt with the same seed, side by side.",
    "mode.styles.hint": "One image per style, each enhanced in that style, all with the same seed.",
    "mode.single.button": "Generate",
    "mode.compare.button": "Compare",
    "mode.styles.button": "Generate styles",
    "field.optional": "optional",
    "field.prompt": "Prompt",
    "field.prompt.placeholder": "A lighthouse on a cliff at dusk, waves crashing below",
    "field.negative": "Negative prompt",
    "field.negative.placeholder": "blurry, text, watermark",
    "enhance.group": "Prompt enhancement",
    "enhance.switch": "Enhance prompt",
    "enhance.with": "Enhanced with",
    "enhance.style": "Enhancement style",
    "enhance.styles": "Styles",
    "enhance.preview": "Preview the enhanced prompt",
    "enhance.working": "Enhancing…",
    "field.ratio": "Aspect ratio",
    "field.ratio.hint": "Image-to-image keeps the input image's shape.",
    "field.seed": "Seed",
    "field.seed.placeholder": "random",
    "field.seed.random": "Random seed",
    "field.n": "Images",
    "field.format": "Format",
    "field.model": "Model",
    "input.label": "Input image",
    "input.optional": "optional · image-to-image",
    "input.zone": "Add an input image: drop it here or press to pick a file",
    "input.drop": "Drop an image",
    "input.or": "or",
    "input.pick": "pick a file",
    "input.types": "JPEG, PNG or WebP",
    "input.remove": "Remove input image",
    "input.uploading": "{size} KB · uploading…",
    "input.ready": "{size} KB · ready",
    "input.failed": "upload failed",
    "field.strength": "Strength",
    "field.strength.hint": "Low keeps the input image, high follows the prompt.",
    "queue.button": "Queue it",
    "queue.title": "Run it as a job and wait for it here: no time limit, paced to the model's quota",
    "queue.note": " (queued)",
    "progress.one": "Making your image",
    "progress.many": "Making {count} images",
    "results.group": "Result",
    "empty.title": "Describe an image and press Generate",
    "empty.body": "Turn on “Enhance prompt” to let genpic add detail, or use “Compare” to see what enhancement changes.",
    "card.plain": "plain prompt",
    "card.enhanced": "enhanced · {style}",
    "card.styles": "styles",
    "card.image": "image",
    "card.nth": "image {n}",
    "card.yours": "your image",
    "card.generated": "Generated image",
    "card.failed": "This image failed.",
    "card.size": "Size",
    "card.seed": "Seed",
    "card.time": "Time",
    "card.cost": "Cost",
    "card.cost.title": "Estimate at on-demand list prices",
    "card.stage.enhance": "enhance",
    "card.stage.generate": "generate",
    "card.stage.store": "store",
    "card.badge.enhanced": "enhanced: {status}",
    "card.badge.translated": "translated from {language}",
    "card.badge.untranslated": "not translated ({language})",
    "card.badge.img2img": "image-to-image",
    "card.download": "Download",
    "card.reuse": "Use this seed",
    "prompt.prompt": "Prompt",
    "prompt.original": "Original prompt",
    "prompt.translated": "Translated prompt",
    "prompt.untranslated": "Not put into English",
    "prompt.enhanced": "Enhanced prompt · {style}",
    "error.retry": "Try again in {seconds} s.",
    "error.status": "The server answered {status}.",
    "error.nonjson": "The server answered {status} with a non-JSON body.",
    "error.network": "Could not reach the genpic server. Is `genpic serve` still running?",
    "error.s3.network": "Could not upload the image to S3.",
    "error.s3.refused": "S3 refused the upload ({status}); check the image's size and type.",
    "gallery.title": "Recent images",
    "gallery.browser": "on this browser",
    "gallery.server": "on this server",
    "gallery.clear": "Clear",
    "gallery.empty": "Images you make appear here.",
    "gallery.more": "More",
    "gallery.remove": "Remove from recent images",
    "gallery.local": "Showing this browser's list: the server's could not be loaded ({message})",
    "gallery.moreFailed": "Could not load more images: {message}",
    "rating.group": "Rate this image",
    "rating.star": "{value} of 5",
    "rating.rate": "Rate {value} of 5",
    "rating.saving": "Saving…",
    "rating.failed": "Not saved: {message}",
    "rating.done": "Rated {value}/5",
    "prefer.button": "Prefer this one",
    "prefer.saved": "Preference saved",
    "prefer.chosen": "✓ Preferred",
  },
  vi: {
    "page.title": "genpic · tạo ảnh",
    "lang.group": "Ngôn ngữ",
    "backend.connecting": "Đang kết nối…",
    "backend.unreachable": "Không kết nối được máy chủ",
    "backend.engine": "bộ tạo ảnh",
    "backend.enhancer": "bộ cải thiện",
    "backend.storage": "lưu trữ",
    "backend.preview": "Ảnh xem trước ngoại tuyến; triển khai với GENPIC_ENGINE=bedrock để có ảnh từ mô hình",
    "key.needed": "Máy chủ này cần khóa API",
    "key.placeholder": "Khóa API",
    "key.use": "Dùng khóa",
    "mode.group": "Chế độ",
    "mode.single": "Tạo ảnh",
    "mode.compare": "So sánh",
    "mode.styles": "Phong cách",
    "mode.single.hint": "Một câu lệnh, một ảnh (hoặc tối đa bốn ảnh với seed khác nhau).",
    "mode.compare.hint": "Câu lệnh gốc và câu lệnh đã cải thiện, cùng một seed, đặt cạnh nhau.",
    "mode.styles.hint": "Mỗi phong cách một ảnh, cải thiện theo phong cách đó, tất cả cùng một seed.",
    "mode.single.button": "Tạo ảnh",
    "mode.compare.button": "So sánh",
    "mode.styles.button": "Tạo theo phong cách",
    "field.optional": "tùy chọn",
    "field.prompt": "Câu lệnh",
    "field.prompt.placeholder": "Ngọn hải đăng trên vách đá lúc hoàng hôn, sóng vỗ bên dưới",
    "field.negative": "Câu lệnh loại trừ",
    "field.negative.placeholder": "mờ nhòe, chữ, hình mờ",
    "enhance.group": "Cải thiện câu lệnh",
    "enhance.switch": "Cải thiện câu lệnh",
    "enhance.with": "Cải thiện theo",
    "enhance.style": "Kiểu cải thiện",
    "enhance.styles": "Phong cách",
    "enhance.preview": "Xem trước câu lệnh đã cải thiện",
    "enhance.working": "Đang cải thiện…",
    "field.ratio": "Tỉ lệ khung hình",
    "field.ratio.hint": "Chế độ ảnh thành ảnh giữ nguyên khung hình của ảnh đầu vào.",
    "field.seed": "Seed",
    "field.seed.placeholder": "ngẫu nhiên",
    "field.seed.random": "Seed ngẫu nhiên",
    "field.n": "Số ảnh",
    "field.format": "Định dạng",
    "field.model": "Mô hình",
    "input.label": "Ảnh đầu vào",
    "input.optional": "tùy chọn · ảnh thành ảnh",
    "input.zone": "Thêm ảnh đầu vào: thả ảnh vào đây hoặc nhấn để chọn tệp",
    "input.drop": "Thả ảnh vào đây",
    "input.or": "hoặc",
    "input.pick": "chọn tệp",
    "input.types": "JPEG, PNG hoặc WebP",
    "input.remove": "Bỏ ảnh đầu vào",
    "input.uploading": "{size} KB · đang tải lên…",
    "input.ready": "{size} KB · sẵn sàng",
    "input.failed": "tải lên thất bại",
    "field.strength": "Cường độ",
    "field.strength.hint": "Thấp thì giữ ảnh đầu vào, cao thì bám theo câu lệnh.",
    "queue.button": "Đưa vào hàng đợi",
    "queue.title": "Chạy như một tác vụ và chờ kết quả tại đây: không giới hạn thời gian, theo hạn mức của mô hình",
    "queue.note": " (trong hàng đợi)",
    "progress.one": "Đang tạo ảnh của bạn",
    "progress.many": "Đang tạo {count} ảnh",
    "results.group": "Kết quả",
    "empty.title": "Mô tả một bức ảnh rồi nhấn Tạo ảnh",
    "empty.body": "Bật “Cải thiện câu lệnh” để genpic thêm chi tiết, hoặc dùng “So sánh” để xem việc cải thiện thay đổi những gì.",
    "card.plain": "câu lệnh gốc",
    "card.enhanced": "đã cải thiện · {style}",
    "card.styles": "phong cách",
    "card.image": "ảnh",
    "card.nth": "ảnh {n}",
    "card.yours": "ảnh của bạn",
    "card.generated": "Ảnh đã tạo",
    "card.failed": "Không tạo được ảnh này.",
    "card.size": "Kích thước",
    "card.seed": "Seed",
    "card.time": "Thời gian",
    "card.cost": "Chi phí",
    "card.cost.title": "Ước tính theo bảng giá trả theo nhu cầu",
    "card.stage.enhance": "cải thiện",
    "card.stage.generate": "tạo",
    "card.stage.store": "lưu",
    "card.badge.enhanced": "cải thiện: {status}",
    "card.badge.translated": "dịch từ {language}",
    "card.badge.untranslated": "chưa dịch ({language})",
    "card.badge.img2img": "ảnh thành ảnh",
    "card.download": "Tải xuống",
    "card.reuse": "Dùng seed này",
    "prompt.prompt": "Câu lệnh",
    "prompt.original": "Câu lệnh gốc",
    "prompt.translated": "Câu lệnh đã dịch",
    "prompt.untranslated": "Chưa dịch sang tiếng Anh",
    "prompt.enhanced": "Câu lệnh đã cải thiện · {style}",
    "error.retry": "Hãy thử lại sau {seconds} giây.",
    "error.status": "Máy chủ trả lời {status}.",
    "error.nonjson": "Máy chủ trả lời {status} với nội dung không phải JSON.",
    "error.network": "Không kết nối được máy chủ genpic. `genpic serve` có còn chạy không?",
    "error.s3.network": "Không tải được ảnh lên S3.",
    "error.s3.refused": "S3 từ chối tệp tải lên ({status}); hãy kiểm tra kích thước và định dạng ảnh.",
    "gallery.title": "Thư viện ảnh",
    "gallery.browser": "trên trình duyệt này",
    "gallery.server": "trên máy chủ này",
    "gallery.clear": "Xóa hết",
    "gallery.empty": "Ảnh bạn tạo sẽ hiện ở đây.",
    "gallery.more": "Xem thêm",
    "gallery.remove": "Xóa khỏi thư viện ảnh",
    "gallery.local": "Đang hiện danh sách của trình duyệt này: không tải được danh sách của máy chủ ({message})",
    "gallery.moreFailed": "Không tải thêm được ảnh: {message}",
    "rating.group": "Đánh giá ảnh này",
    "rating.star": "{value} trên 5",
    "rating.rate": "Đánh giá {value} trên 5",
    "rating.saving": "Đang lưu…",
    "rating.failed": "Chưa lưu được: {message}",
    "rating.done": "Đã đánh giá {value}/5",
    "prefer.button": "Chọn ảnh này",
    "prefer.saved": "Đã lưu lựa chọn",
    "prefer.chosen": "✓ Đã chọn",
  },
};

/** The languages the page speaks, by their BCP 47 primary tag. */
export const LANGUAGES = Object.keys(MESSAGES);

const STORE = "genpic.lang";
const listeners = [];

function saved() {
  try {
    return localStorage.getItem(STORE);
  } catch {
    return null;
  }
}

// The reader's choice if they made one, else the first of the browser's languages we speak.
function initial() {
  const choice = saved();
  if (LANGUAGES.includes(choice)) return choice;
  for (const tag of navigator.languages || [navigator.language]) {
    const primary = String(tag).toLowerCase().split("-")[0];
    if (LANGUAGES.includes(primary)) return primary;
  }
  return "en";
}

let current = initial();

/** The active language: "en" or "vi". */
export function language() {
  return current;
}

/** The page's words for `key`, with each {name} replaced by `params[name]`. */
export function t(key, params = {}) {
  const text = MESSAGES[current][key] ?? MESSAGES.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

/** A number in the active locale; `options` as for Intl.NumberFormat. */
export function formatNumber(value, options = {}) {
  return new Intl.NumberFormat(current, options).format(value);
}

/** A duration in milliseconds: milliseconds below a second, else seconds to one decimal. */
export function formatMs(ms) {
  if (ms === undefined || ms === null) return "–";
  if (ms < 1000) return `${formatNumber(Math.round(ms))} ms`;
  return `${formatNumber(ms / 1000, { minimumFractionDigits: 1, maximumFractionDigits: 1 })} s`;
}

/** An estimated cost in US dollars, to a tenth of a cent. */
export function formatCost(usd) {
  return formatNumber(Number(usd || 0), {
    style: "currency", currency: "USD", minimumFractionDigits: 3, maximumFractionDigits: 3,
  });
}

/** Pixel dimensions, "1024 × 768": digits in the locale's script, never grouped. */
export function formatSize(width, height) {
  const px = (value) => formatNumber(value, { useGrouping: false });
  return `${px(width)} × ${px(height)}`;
}

/** A moment (milliseconds since the epoch) as a short date and time. */
export function formatDate(ms) {
  return new Intl.DateTimeFormat(current, { dateStyle: "medium", timeStyle: "short" }).format(ms);
}

const ATTRIBUTES = [
  ["placeholder", "i18nPlaceholder"], ["title", "i18nTitle"], ["aria-label", "i18nAriaLabel"], ["alt", "i18nAlt"],
];

/** Put the active language's words into the markup under `root` that names them by key. */
export function translate(root) {
  for (const node of root.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  for (const [attribute, data] of ATTRIBUTES) {
    const selector = `[data-${data.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}]`;
    for (const node of root.querySelectorAll(selector)) node.setAttribute(attribute, t(node.dataset[data]));
  }
}

/** Translate the whole page, mark the active switch button, and set <html lang> and the title. */
export function translatePage() {
  document.documentElement.lang = current;
  document.title = t("page.title");
  translate(document);
  for (const button of document.querySelectorAll("[data-lang]")) {
    button.setAttribute("aria-pressed", String(button.dataset.lang === current));
  }
}

/** Run `callback` after every change of language, to redraw what scripts wrote. */
export function onLanguageChange(callback) {
  listeners.push(callback);
}

/** Switch to `code`, remember it in this browser, and redraw the page's words. */
export function setLanguage(code) {
  if (!LANGUAGES.includes(code)) return;
  current = code;
  try {
    localStorage.setItem(STORE, code);
  } catch {
    // A private window refuses writes: the choice holds for this visit only.
  }
  translatePage();
  for (const callback of listeners) callback();
}
