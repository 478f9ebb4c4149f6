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
    "mode.edit": "Edit",
    "mode.edit.hint": "Change an image: inpaint, outpaint, erase, replace, recolor, remove the background, upscale, and more.",
    "mode.edit.button": "Edit image",
    "edit.operation": "Operation",
    "edit.none": "This server offers no edits.",
    "edit.range": "{low} to {high} · default {default}",
    "edit.op.inpaint": "Inpaint: repaint the masked area",
    "edit.op.outpaint": "Outpaint: extend the image",
    "edit.op.erase": "Erase: remove the masked object",
    "edit.op.search_replace": "Search and replace",
    "edit.op.search_recolor": "Search and recolor",
    "edit.op.remove_background": "Remove background",
    "edit.op.upscale_fast": "Upscale ×4 (fast)",
    "edit.op.upscale_conservative": "Upscale to 4K (conservative)",
    "edit.op.upscale_creative": "Upscale to 4K (creative)",
    "edit.op.sketch": "Sketch to image",
    "edit.op.structure": "Keep the structure",
    "edit.op.style_guide": "Style guide",
    "edit.op.style_transfer": "Style transfer",
    "edit.op.inpaint.hint": "Paint a mask over what to change and say what should be there.",
    "edit.op.outpaint.hint": "Drag the handles on the image's edges, or type the margins in pixels.",
    "edit.op.erase.hint": "Paint a mask over what to remove; no prompt needed.",
    "edit.op.search_replace.hint": "Name what to find and describe what replaces it.",
    "edit.op.search_recolor.hint": "Name what to recolor and describe its new colors.",
    "edit.op.remove_background.hint": "Keeps the subject on a transparent background (PNG or WebP).",
    "edit.op.upscale_fast.hint": "Four times the width and height, without a prompt.",
    "edit.op.upscale_conservative.hint": "Up to 4K, keeping the image as it is; describe it in the prompt.",
    "edit.op.upscale_creative.hint": "Up to 4K, adding detail; describe the image in the prompt.",
    "edit.op.sketch.hint": "Turns a sketch into an image that follows its lines.",
    "edit.op.structure.hint": "A new image with the same structure as this one.",
    "edit.op.style_guide.hint": "A new image in this image's style.",
    "edit.op.style_transfer.hint": "This image redrawn in the style of a second image.",
    "edit.field.grow_mask": "Grow mask (px)",
    "edit.field.left": "Left (px)",
    "edit.field.right": "Right (px)",
    "edit.field.up": "Top (px)",
    "edit.field.down": "Bottom (px)",
    "edit.field.creativity": "Creativity",
    "edit.field.search_prompt": "Find",
    "edit.field.select_prompt": "Recolor",
    "edit.field.control_strength": "Control strength",
    "edit.field.fidelity": "Fidelity",
    "edit.field.composition_fidelity": "Composition fidelity",
    "edit.field.style_strength": "Style strength",
    "edit.field.change_strength": "Change strength",
    "edit.field.style_image": "Style image",
    "edit.hint.grow_mask": "Widens the mask's edges to blend the change in.",
    "edit.hint.search_prompt": "What to find in the image, in a few words.",
    "edit.hint.select_prompt": "What to recolor, in a few words.",
    "edit.hint.style_image": "The image whose style to take.",
    "input.toEdit": "the image to edit",
    "editor.empty": "Add the image to edit: drop or pick a file, or press “Edit this” on a recent image.",
    "editor.image": "The image to edit",
    "mask.tools": "Mask",
    "mask.tool": "Tool",
    "mask.brush": "Brush",
    "mask.eraser": "Eraser",
    "mask.size": "Brush size",
    "mask.px": "{size} px",
    "mask.undo": "Undo",
    "mask.clear": "Clear mask",
    "mask.hint": "Paint over what to change. The mask sent is white where you painted, on black, the image's size.",
    "mask.canvas": "Mask: paint over what to change",
    "margin.left": "Drag to set the left margin",
    "margin.right": "Drag to set the right margin",
    "margin.up": "Drag to set the top margin",
    "margin.down": "Drag to set the bottom margin",
    "card.edit": "Edit this",
    "card.edited": "edited · {operation}",
    "compare.before": "Before",
    "compare.after": "After",
    "compare.slider": "Slide to compare before and after",
    "progress.edit": "Editing your image",
    "error.fetchImage": "Could not load that image to edit ({status}).",
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
    "mode.edit": "Chỉnh sửa",
    "mode.edit.hint": "Thay đổi một bức ảnh: vẽ lại, mở rộng, xóa vật thể, thay thế, đổi màu, xóa nền, phóng to và hơn thế nữa.",
    "mode.edit.button": "Chỉnh sửa ảnh",
    "edit.operation": "Thao tác",
    "edit.none": "Máy chủ này không có thao tác chỉnh sửa nào.",
    "edit.range": "từ {low} đến {high} · mặc định {default}",
    "edit.op.inpaint": "Vẽ lại vùng được tô",
    "edit.op.outpaint": "Mở rộng khung ảnh",
    "edit.op.erase": "Xóa vật thể được tô",
    "edit.op.search_replace": "Tìm và thay thế",
    "edit.op.search_recolor": "Tìm và đổi màu",
    "edit.op.remove_background": "Xóa nền",
    "edit.op.upscale_fast": "Phóng to ×4 (nhanh)",
    "edit.op.upscale_conservative": "Phóng to đến 4K (giữ nguyên)",
    "edit.op.upscale_creative": "Phóng to đến 4K (sáng tạo)",
    "edit.op.sketch": "Từ bản phác thảo",
    "edit.op.structure": "Giữ bố cục",
    "edit.op.style_guide": "Theo phong cách ảnh",
    "edit.op.style_transfer": "Chuyển phong cách",
    "edit.op.inpaint.hint": "Tô mặt nạ lên chỗ cần thay đổi và mô tả điều sẽ có ở đó.",
    "edit.op.outpaint.hint": "Kéo các tay nắm ở mép ảnh, hoặc nhập lề theo điểm ảnh.",
    "edit.op.erase.hint": "Tô mặt nạ lên thứ cần xóa; không cần câu lệnh.",
    "edit.op.search_replace.hint": "Nêu thứ cần tìm và mô tả thứ thay thế nó.",
    "edit.op.search_recolor.hint": "Nêu thứ cần đổi màu và mô tả màu mới.",
    "edit.op.remove_background.hint": "Giữ chủ thể trên nền trong suốt (PNG hoặc WebP).",
    "edit.op.upscale_fast.hint": "Gấp bốn lần chiều rộng và chiều cao, không cần câu lệnh.",
    "edit.op.upscale_conservative.hint": "Đến 4K, giữ nguyên ảnh; mô tả ảnh trong câu lệnh.",
    "edit.op.upscale_creative.hint": "Đến 4K, thêm chi tiết; mô tả ảnh trong câu lệnh.",
    "edit.op.sketch.hint": "Biến bản phác thảo thành ảnh theo đúng các nét vẽ.",
    "edit.op.structure.hint": "Một ảnh mới có cùng bố cục với ảnh này.",
    "edit.op.style_guide.hint": "Một ảnh mới theo phong cách của ảnh này.",
    "edit.op.style_transfer.hint": "Vẽ lại ảnh này theo phong cách của một ảnh thứ hai.",
    "edit.field.grow_mask": "Nới rộng mặt nạ (px)",
    "edit.field.left": "Trái (px)",
    "edit.field.right": "Phải (px)",
    "edit.field.up": "Trên (px)",
    "edit.field.down": "Dưới (px)",
    "edit.field.creativity": "Độ sáng tạo",
    "edit.field.search_prompt": "Tìm",
    "edit.field.select_prompt": "Đổi màu",
    "edit.field.control_strength": "Mức bám theo ảnh",
    "edit.field.fidelity": "Độ trung thành",
    "edit.field.composition_fidelity": "Độ giữ bố cục",
    "edit.field.style_strength": "Độ mạnh phong cách",
    "edit.field.change_strength": "Mức thay đổi",
    "edit.field.style_image": "Ảnh phong cách",
    "edit.hint.grow_mask": "Nới rộng mép mặt nạ để phần thay đổi hòa vào ảnh.",
    "edit.hint.search_prompt": "Thứ cần tìm trong ảnh, vài từ là đủ.",
    "edit.hint.select_prompt": "Thứ cần đổi màu, vài từ là đủ.",
    "edit.hint.style_image": "Ảnh có phong cách cần lấy.",
    "input.toEdit": "ảnh cần chỉnh sửa",
    "editor.empty": "Thêm ảnh cần chỉnh sửa: thả hoặc chọn tệp, hoặc nhấn “Chỉnh sửa ảnh này” ở một ảnh gần đây.",
    "editor.image": "Ảnh cần chỉnh sửa",
    "mask.tools": "Mặt nạ",
    "mask.tool": "Công cụ",
    "mask.brush": "Cọ",
    "mask.eraser": "Tẩy",
    "mask.size": "Cỡ cọ",
    "mask.px": "{size} px",
    "mask.undo": "Hoàn tác",
    "mask.clear": "Xóa mặt nạ",
    "mask.hint": "Tô lên chỗ cần thay đổi. Mặt nạ gửi đi có màu trắng ở chỗ bạn tô, trên nền đen, cùng kích thước với ảnh.",
    "mask.canvas": "Mặt nạ: tô lên chỗ cần thay đổi",
    "margin.left": "Kéo để đặt lề trái",
    "margin.right": "Kéo để đặt lề phải",
    "margin.up": "Kéo để đặt lề trên",
    "margin.down": "Kéo để đặt lề dưới",
    "card.edit": "Chỉnh sửa ảnh này",
    "card.edited": "đã chỉnh sửa · {operation}",
    "compare.before": "Trước",
    "compare.after": "Sau",
    "compare.slider": "Kéo để so sánh trước và sau",
    "progress.edit": "Đang chỉnh sửa ảnh của bạn",
    "error.fetchImage": "Không tải được ảnh đó để chỉnh sửa ({status}).",
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
