// On-device prediction: the photo is decoded, reduced to 32x32 and classified in this browser.
// Nothing about a photo is sent anywhere: the page tells Streamlit only whether the runtime works.
// Streamlit's v1 component protocol is spoken directly (postMessage), so no bundler is needed.
import * as P from "./preprocess.js";

const MAX_FILES = 50;
const MAX_FILE_BYTES = 25 * 1024 * 1024; // classifier/images.py's limits
const MAX_PIXELS = 40_000_000;
const MODEL_CACHE = "cnn-classroom-models";

const state = { args: null, runtime: null, model: null, modelUrl: null, reported: "", timings: [], batch: 0 };
window.ondeviceResults = []; // read by the tests: each photo's 32x32 input and probabilities

const $ = (id) => document.getElementById(id);

function send(type, data = {}) {
  window.parent.postMessage({ isStreamlitMessage: true, type, ...data }, "*");
}

function report(value) {
  const text = JSON.stringify(value);
  if (text === state.reported) return;
  state.reported = text;
  send("streamlit:setComponentValue", { value, dataType: "json" });
}

function fitHeight() {
  send("streamlit:setFrameHeight", { height: document.documentElement.scrollHeight + 4 });
}
new ResizeObserver(fitHeight).observe(document.body);

// "{name}: {label} ({probability:.0%})" -> the text; a ":.0%" value is shown as a whole percentage.
function format(template, values) {
  return template.replace(/\{(\w+)(?::([^}]*))?\}/g, (whole, key, spec) => {
    if (!(key in values)) return whole;
    const value = values[key];
    if (spec && spec.endsWith("%")) return `${Math.round(value * 100)}%`;
    if (spec && spec.startsWith(".")) return Number(value).toFixed(Number(spec.slice(1, -1)) || 0);
    return String(value);
  });
}

const text = (key, values = {}) => format(state.args.texts[key] || key, values);

function setStatus(message, failed = false) {
  const status = $("status");
  status.textContent = message;
  status.classList.toggle("failed", failed);
}

async function runtime() {
  if (!state.runtime) {
    state.runtime = (async () => {
      if (typeof WebAssembly !== "object") throw new Error("WebAssembly is not available");
      const litert = await import("./vendor/litert.js");
      // The non-threaded build (threads need cross-origin isolation, which Streamlit does not send):
      // the relaxed-SIMD file or its compat twin, as LiteRT.js would pick. Its ~9 MB .wasm comes
      // from the lasting copy below, handed to the Emscripten loader as `wasmBinary`.
      const name = (await litert.supportsFeature("relaxedSimd")) ? "litert_wasm_internal" : "litert_wasm_compat_internal";
      const vendor = new URL("./vendor/", location.href).href;
      const wasm = await storedBytes(`${vendor}${name}.wasm?v=${state.args.runtime_version || ""}`);
      self.Module = { wasmBinary: wasm.buffer };
      await litert.loadLiteRt(`${vendor}${name}.js`);
      return litert;
    })();
  }
  return state.runtime;
}

// A lasting copy of the big files (the model, the runtime's .wasm): Streamlit serves a component's
// files without freshness or validator (`Cache-Control: public` only), so the browser's HTTP cache
// would download them again on every page load. The Cache API where the page is a secure context
// (localhost, https); IndexedDB elsewhere (a phone reaching the app over plain http on the school's
// network). Names (or `?v=`) change with the content, so a copy is never stale; a new version of a
// file replaces the old one.
const STORE = "files";

function database() {
  if (!state.database) {
    state.database = new Promise((resolve) => {
      if (typeof indexedDB === "undefined") return resolve(null);
      const request = indexedDB.open(MODEL_CACHE, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => resolve(null);
    });
  }
  return state.database;
}

function stored(db, mode, action) {
  return new Promise((resolve) => {
    const request = action(db.transaction(STORE, mode).objectStore(STORE));
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => resolve(undefined);
  });
}

async function lasting() {
  if (self.caches) {
    const cache = await caches.open(MODEL_CACHE);
    return {
      kind: "cache",
      get: async (url) => {
        const hit = await cache.match(url);
        return hit ? new Uint8Array(await hit.arrayBuffer()) : null;
      },
      keys: async () => (await cache.keys()).map((request) => request.url),
      put: (url, bytes) => cache.put(url, new Response(bytes)),
      remove: (url) => cache.delete(url),
    };
  }
  const db = await database();
  if (!db) return null;
  return {
    kind: "indexeddb",
    get: async (url) => (await stored(db, "readonly", (s) => s.get(url))) || null,
    keys: async () => (await stored(db, "readonly", (s) => s.getAllKeys())) || [],
    put: (url, bytes) => stored(db, "readwrite", (s) => s.put(bytes, url)),
    remove: (url) => stored(db, "readwrite", (s) => s.delete(url)),
  };
}

async function storedBytes(url) {
  let copies = null;
  try {
    copies = await lasting();
  } catch (error) {
    console.warn("no lasting copies:", error); // e.g. storage blocked: download every time
  }
  const hit = copies && (await copies.get(url));
  if (hit) return hit;
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url.split("?")[0].split("/").pop()} answered ${response.status}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (copies) {
    try {
      const path = url.split("?")[0];
      for (const key of await copies.keys()) if (key !== url && key.split("?")[0] === path) await copies.remove(key);
      await copies.put(url, bytes);
    } catch (error) {
      console.warn("no lasting copy:", error); // full storage: the next page load downloads it again
    }
  }
  return bytes;
}

async function model() {
  const url = new URL(state.args.model_url, location.href).href;
  if (state.modelUrl !== url) {
    state.modelUrl = url;
    state.model = (async () => {
      const litert = await runtime();
      const started = performance.now();
      const compiled = await litert.loadAndCompile(await storedBytes(url), { accelerator: "wasm" });
      state.loadMs = performance.now() - started;
      return compiled;
    })();
  }
  return state.model;
}

async function decode(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (bytes.length === 0) throw new Error(text("empty"));
  if (bytes.length > MAX_FILE_BYTES) throw new Error(text("too_big", { limit_mb: MAX_FILE_BYTES / 2 ** 20 }));
  let bitmap;
  try {
    // Pixels as stored (no colour-profile conversion, as Pillow), turned upright by EXIF.
    bitmap = await createImageBitmap(new Blob([bytes]), {
      imageOrientation: "from-image",
      colorSpaceConversion: "none",
      premultiplyAlpha: "none",
    });
  } catch {
    throw new Error(text("undecodable"));
  }
  const { width, height } = bitmap;
  if (width * height > MAX_PIXELS) throw new Error(text("too_many_pixels", { width, height }));
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext("2d", { willReadFrequently: true });
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  const rgba = context.getImageData(0, 0, width, height).data;
  const upright = P.rgbaOnWhite(rgba, width, height);
  const jpeg = P.isJpeg(bytes) ? { orientation: P.jpegOrientation(bytes) } : null;
  return P.asServerDecodes(upright, jpeg);
}

async function probabilities(compiled, litert, pixels) {
  const run = async (values) => {
    const input = new litert.Tensor(values, [1, P.IMAGE_SIZE, P.IMAGE_SIZE, 3]);
    const outputs = await compiled.run(input);
    input.delete();
    const result = Float32Array.from(outputs[0].toTypedArray());
    outputs.forEach((tensor) => tensor.delete());
    return result;
  };
  const x = Float32Array.from(pixels, (v) => v / 255);
  const p = await run(x);
  if (state.args.tta === "flip") {
    // The left-right mirror, averaged as classifier/predict.py does.
    const mirrored = new Float32Array(x.length);
    for (let y = 0; y < P.IMAGE_SIZE; y++)
      for (let col = 0; col < P.IMAGE_SIZE; col++)
        for (let c = 0; c < 3; c++)
          mirrored[(y * P.IMAGE_SIZE + col) * 3 + c] = x[(y * P.IMAGE_SIZE + (P.IMAGE_SIZE - 1 - col)) * 3 + c];
    const q = await run(mirrored);
    for (let i = 0; i < p.length; i++) p[i] = (p[i] + q[i]) / 2;
  }
  return p;
}

function element(tag, className, content) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (content !== undefined) node.textContent = content; // user text is only ever text
  return node;
}

function drawInput(pixels) {
  const canvas = element("canvas", "seen");
  canvas.width = canvas.height = P.IMAGE_SIZE;
  const image = new ImageData(P.IMAGE_SIZE, P.IMAGE_SIZE);
  for (let i = 0, j = 0; i < pixels.length; i += 3, j += 4) {
    image.data[j] = pixels[i];
    image.data[j + 1] = pixels[i + 1];
    image.data[j + 2] = pixels[i + 2];
    image.data[j + 3] = 255;
  }
  canvas.getContext("2d").putImageData(image, 0, 0);
  return canvas;
}

function showResult(file, pixels, p, ms) {
  const classes = state.args.classes;
  const order = Array.from(p.keys()).sort((a, b) => p[b] - p[a]).slice(0, Math.max(1, state.args.top_k));
  const best = order[0];
  const card = element("div", "card");
  card.append(element("div", "verdict", text("verdict", { name: file.name, label: classes[best], probability: p[best] })));
  const row = element("div", "row");
  const photo = element("figure");
  const img = element("img", "photo");
  img.src = URL.createObjectURL(file); // a local object URL: the browser reads the file itself
  img.alt = file.name;
  photo.append(img, element("figcaption", "", text("original")));
  const seen = element("figure");
  seen.append(drawInput(pixels), element("figcaption", "", text("seen")));
  const bars = element("div", "bars");
  for (const i of order) {
    const bar = element("div", "bar");
    const track = element("div", "track");
    const fill = element("div", "fill");
    fill.style.width = `${(p[i] * 100).toFixed(1)}%`;
    track.append(fill);
    bar.append(element("span", "name", classes[i]), track, element("span", "value", `${(p[i] * 100).toFixed(1)}%`));
    bars.append(bar);
  }
  row.append(photo, seen, bars);
  card.append(row);
  if (p[best] < state.args.unsure_below) {
    card.append(element("div", "note", text("unsure", { probability: p[best] })));
  }
  card.append(element("div", "where", text("where", { ms: ms.toFixed(1) })));
  return card;
}

function showError(file, message) {
  const card = element("div", "card bad", text("bad_file", { name: file.name, reason: message }));
  return card;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)] : 0;
}

async function predictFiles(fileList) {
  const files = Array.from(fileList).slice(0, MAX_FILES);
  if (!files.length) return;
  const batch = ++state.batch;
  const results = $("results");
  results.replaceChildren();
  window.ondeviceResults = [];
  document.body.dataset.predicting = "true";
  if (fileList.length > MAX_FILES) results.append(element("div", "note", text("too_many", { count: fileList.length, limit: MAX_FILES })));
  let compiled, litert;
  try {
    [compiled, litert] = await Promise.all([model(), runtime()]);
  } catch (error) {
    unavailable(error);
    return;
  }
  for (const file of files) {
    if (batch !== state.batch) return; // a newer drop replaced these
    let card;
    try {
      const started = performance.now();
      const decoded = await decode(file);
      const pixels = P.fitToInput(decoded, state.args.fit);
      const p = await probabilities(compiled, litert, pixels);
      const ms = performance.now() - started;
      state.timings.push(ms);
      window.ondeviceResults.push({ name: file.name, input: Array.from(pixels), probabilities: Array.from(p), ms });
      card = showResult(file, pixels, p, ms);
    } catch (error) {
      window.ondeviceResults.push({ name: file.name, error: String(error.message || error) });
      card = showError(file, String(error.message || error));
    }
    results.append(card);
  }
  const count = state.timings.length;
  setStatus(`${text("ready")} ${text(count === 1 ? "timing_one" : "timing", { ms: median(state.timings).toFixed(1), count })}`);
  document.body.dataset.predicting = "false";
  document.body.dataset.done = String(state.batch);
}

function unavailable(error) {
  document.body.dataset.state = "unavailable";
  console.warn("on-device prediction unavailable:", error); // the browser's own words: the console, not the page
  setStatus(text("unavailable"), true);
  report({ state: "unavailable", reason: String(error.message || error).slice(0, 200) });
}

// A live camera where the page may use one (localhost or https, a mouse: a laptop's webcam); on a
// phone, or over plain http, the camera button opens the phone's own camera app (<input capture>).
const liveCamera = () =>
  Boolean(navigator.mediaDevices && navigator.mediaDevices.getUserMedia) && matchMedia("(pointer: fine)").matches;

async function openCamera(event) {
  if (!liveCamera()) return; // the <input capture> does the work
  event.preventDefault();
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: false });
    $("video").srcObject = stream;
    $("live").hidden = false;
  } catch (error) {
    console.warn("camera:", error);
    setStatus(text("no_camera"), true);
  }
}

function closeCamera() {
  const stream = $("video").srcObject;
  if (stream) stream.getTracks().forEach((track) => track.stop());
  $("video").srcObject = null;
  $("live").hidden = true;
}

function snapPhoto() {
  const video = $("video");
  const canvas = document.createElement("canvas");
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  canvas.getContext("2d").drawImage(video, 0, 0);
  canvas.toBlob((blob) => {
    const photo = new File([blob], `${text("camera_photo")}.png`, { type: "image/png" });
    state.lastFiles = [photo];
    predictFiles([photo]);
  }, "image/png");
}

function wire() {
  $("drop-text").textContent = text("drop");
  $("pick-text").textContent = text("pick");
  $("camera-text").textContent = text("camera");
  $("snap").textContent = text("snap");
  $("close-camera").textContent = text("close_camera");
  $("camera").addEventListener("click", openCamera);
  $("snap").addEventListener("click", snapPhoto);
  $("close-camera").addEventListener("click", closeCamera);
  const drop = $("drop");
  for (const input of [$("files"), $("camera")]) {
    input.addEventListener("change", () => {
      predictFiles(input.files);
    });
  }
  drop.addEventListener("dragover", (event) => {
    event.preventDefault();
    drop.classList.add("over");
  });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (event) => {
    event.preventDefault();
    drop.classList.remove("over");
    predictFiles(event.dataTransfer.files);
  });
}

async function render(args) {
  const first = state.args === null;
  const before = state.args;
  state.args = args;
  document.body.dataset.fit = args.fit; // what the page asked for, for tests and styles
  document.body.dataset.tta = args.tta;
  if (first) wire();
  const modelChanged = !before || before.model_url !== args.model_url;
  const settingsChanged =
    before && (before.tta !== args.tta || before.fit !== args.fit || before.top_k !== args.top_k);
  if (!modelChanged && !settingsChanged) return;
  setStatus(text("loading"));
  document.body.dataset.state = "loading";
  try {
    await model();
  } catch (error) {
    unavailable(error);
    return;
  }
  document.body.dataset.state = "ready";
  document.body.dataset.model = args.model_url; // which file is loaded, for tests
  setStatus(text("ready"));
  report({ state: "ready" });
  const last = state.lastFiles;
  if (settingsChanged && last) predictFiles(last);
}

// Keep the last files so that a changed setting (top-k, mirror, crop) recomputes them here.
for (const id of ["files", "camera"]) {
  document.getElementById(id).addEventListener("change", (event) => {
    state.lastFiles = event.target.files;
  });
}
document.getElementById("drop").addEventListener("drop", (event) => {
  state.lastFiles = event.dataTransfer.files;
});

window.addEventListener("message", (event) => {
  if (event.data && event.data.type === "streamlit:render") render(event.data.args);
});
send("streamlit:componentReady", { apiVersion: 1 });
